import type { Command } from 'commander';
import { accountVariables } from '../services/account-environment.js';
import type { CliContext } from '../services/cli-context.js';
import { createKey, listKeys, revokeKey } from '../services/merchant-actions.js';
import { parseList, resolveJson } from '../services/settings.js';
import { type ConnectionFlags, resolveConnection } from '../services/store-connection.js';
import { createdKeyPresentation, keyListPresentation, revokedKeyPresentation } from '../ui/account-presentations.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { optional, withConnection } from './connection.js';
import { envOption } from './options.js';

interface KeyFlags extends ConnectionFlags {
  json?: boolean;
  scopes?: string;
}

/** `tokobapak keys create|list|revoke`: API keys for scripts, made by the signed-in person. */
export function registerKeysCommand(program: Command, context: CliContext): void {
  const keys = program.command('keys').description('create, list and revoke API keys for scripts (needs `tokobapak login`)');
  const mode = (flags: KeyFlags) => outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);

  withConnection(
    keys.command('create').description("create a key; it acts in your session's store when there is one").argument('<name>', 'what the key is for'),
  )
    .addOption(envOption(accountVariables.scopes))
    .action(async (name: string, flags: KeyFlags) => {
      const raw = optional(flags.scopes, context, accountVariables.scopes);
      const scopes = raw === undefined ? undefined : parseList(raw, accountVariables.scopes.flag.split(' ')[0] as string);
      const created = await withSpinner(mode(flags), context.stdout, 'Creating the key', () =>
        createKey(resolveConnection(flags, context.env), { name, scopes }),
      );
      present(mode(flags), context.stdout, createdKeyPresentation(created));
    });

  withConnection(keys.command('list').description('list your keys (never their secrets)')).action(async (flags: KeyFlags) => {
    const listed = await withSpinner(mode(flags), context.stdout, 'Fetching keys', () => listKeys(resolveConnection(flags, context.env)));
    present(mode(flags), context.stdout, keyListPresentation(listed));
  });

  withConnection(keys.command('revoke').description('revoke a key').argument('<keyId>', 'the key_… id')).action(async (keyId: string, flags: KeyFlags) => {
    await withSpinner(mode(flags), context.stdout, `Revoking ${keyId}`, () => revokeKey(resolveConnection(flags, context.env), keyId));
    present(mode(flags), context.stdout, revokedKeyPresentation(keyId));
  });
}
