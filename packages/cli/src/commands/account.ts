import type { Command } from 'commander';
import { login, logout, register, whoami } from '../services/account-actions.js';
import { accountVariables } from '../services/account-environment.js';
import type { CliContext } from '../services/cli-context.js';
import { mintServiceToken } from '../services/service-token.js';
import { resolveJson } from '../services/settings.js';
import { enterStore } from '../services/store-actions.js';
import { type ConnectionFlags, resolveConnection } from '../services/store-connection.js';
import { identityPresentation, logoutPresentation, serviceTokenPresentation } from '../ui/account-presentations.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { required, withConnection } from './connection.js';
import { envOption, storeOptions } from './options.js';

interface AccountFlags extends ConnectionFlags {
  json?: boolean;
  fullName?: string;
  service?: string;
}

/** `tokobapak login|register|logout|whoami`: one sign-in that every store command then uses. */
export function registerAccountCommands(program: Command, context: CliContext): void {
  const mode = (flags: AccountFlags) => outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);

  withConnection(program.command('login').description('sign in with email and password and keep the session for the other commands'), { store: true }).action(
    async (flags: AccountFlags) => {
      const connection = resolveConnection(flags, context.env);
      const identity = await withSpinner(mode(flags), context.stdout, 'Signing in', async () => {
        await login(connection, context.env);
        // --store: act in that store from the start.
        const signedIn = resolveConnection({ url: connection.url, store: connection.store }, withoutPassword(context.env));
        if (connection.store !== undefined) await enterStore(signedIn);
        return whoami(resolveConnection({ url: connection.url }, withoutPassword(context.env)), context.env);
      });
      present(mode(flags), context.stdout, identityPresentation(identity, `Signed in as ${identity.email} at ${identity.url}.`));
    },
  );

  withConnection(program.command('register').description('create an account (then sign in as login does)'))
    .addOption(envOption(accountVariables.fullName))
    .action(async (flags: AccountFlags) => {
      const connection = resolveConnection(flags, context.env);
      const name = required(flags.fullName, context, accountVariables.fullName);
      const identity = await withSpinner(mode(flags), context.stdout, 'Creating the account', () => register(connection, context.env, name));
      present(mode(flags), context.stdout, identityPresentation(identity, `Created the account ${identity.email} and signed in.`));
    });

  program
    .command('whoami')
    .description('show who is signed in, and in which store')
    .addOption(envOption(accountVariables.url))
    .addOption(storeOptions.json())
    .action(async (flags: AccountFlags) => {
      const identity = await whoami(resolveConnection(flags, withoutPassword(context.env)), context.env);
      present(mode(flags), context.stdout, identityPresentation(identity, `Signed in as ${identity.email}.`));
    });

  program
    .command('logout')
    .description('end the session on the server and remove it from this machine')
    .addOption(envOption(accountVariables.url))
    .addOption(storeOptions.json())
    .action(async (flags: AccountFlags) => {
      const result = await logout(resolveConnection(flags, withoutPassword(context.env)), context.env);
      present(mode(flags), context.stdout, logoutPresentation(result));
    });

  program
    .command('service-token')
    .description("mint a service credential (X-Service-Credential) from the platform secret in TOKOBAPAK_SECRET, for an integrator's process")
    .addOption(envOption(accountVariables.service))
    .addOption(storeOptions.json())
    .action(async (flags: AccountFlags) => {
      const service = required(flags.service, context, accountVariables.service);
      const token = await mintServiceToken(await context.loadRuntime(), context.env, service);
      present(mode(flags), context.stdout, serviceTokenPresentation(token));
    });
}

// After `login`, the stored session is the credential: a TOKOBAPAK_PASSWORD left in the environment must not win over it.
function withoutPassword(env: CliContext['env']): CliContext['env'] {
  return { ...env, TOKOBAPAK_EMAIL: undefined, TOKOBAPAK_PASSWORD: undefined, TOKOBAPAK_API_KEY: undefined };
}
