import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { resolveJson } from '../services/settings.js';
import { createStore, enterStore, inviteToStore, showStore, transferStore } from '../services/store-actions.js';
import { type ConnectionFlags, resolveConnection } from '../services/store-connection.js';
import { storeVariables } from '../services/store-environment.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { invitationPresentation, storePresentation, transferPresentation } from '../ui/store-presentations.js';
import { required, withConnection } from './connection.js';
import { envOption } from './options.js';

interface StoreFlags extends ConnectionFlags {
  json?: boolean;
  name?: string;
  handle?: string;
  role?: string;
  to?: string;
}

/** `tokobapak store create|show|invite|transfer`: a merchant's store, through the API of a running store. */
export function registerStoreCommand(program: Command, context: CliContext): void {
  const store = program.command('store').description("open a store, show it, invite staff and hand it on (against a running store's API)");

  withConnection(store.command('create').description('open a new store owned by the signed-in person'), { store: false })
    .addOption(envOption(storeVariables.name))
    .addOption(envOption(storeVariables.handle))
    .action(async (flags: StoreFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = resolveConnection(flags, context.env);
      const input = { name: required(flags.name, context, storeVariables.name), handle: required(flags.handle, context, storeVariables.handle) };
      const created = await withSpinner(mode, context.stdout, 'Opening the store', () => createStore(connection, input));
      present(mode, context.stdout, storePresentation(created, true));
    });

  withConnection(
    store.command('use').description('make the session of `tokobapak login` act in another of your stores').argument('<store>', 'handle or id'),
  ).action(async (wanted: string, flags: StoreFlags) => {
    const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
    const connection = { ...resolveConnection(flags, context.env), store: wanted };
    const used = await withSpinner(mode, context.stdout, `Entering ${wanted}`, () => enterStore(connection));
    present(mode, context.stdout, storePresentation(used, false));
  });

  withConnection(store.command('show').description('show the store your credentials act in'), { store: true }).action(async (flags: StoreFlags) => {
    const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
    const connection = resolveConnection(flags, context.env);
    const shown = await withSpinner(mode, context.stdout, 'Fetching the store', () => showStore(connection));
    present(mode, context.stdout, storePresentation(shown, false));
  });

  withConnection(store.command('invite').description('mail an invitation to work in the store (owners only)').argument('<email>', 'who to invite'), {
    store: true,
  })
    .addOption(envOption(storeVariables.role))
    .action(async (email: string, flags: StoreFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = resolveConnection(flags, context.env);
      const role = flags.role ?? (context.env[storeVariables.role.name] || 'staff');
      const invitation = await withSpinner(mode, context.stdout, `Inviting ${email}`, () => inviteToStore(connection, { email, role }));
      present(mode, context.stdout, invitationPresentation(invitation));
    });

  withConnection(store.command('transfer').description('hand the store to another of its members (owners only); you become a manager'), {
    store: true,
  })
    .addOption(envOption(storeVariables.to))
    .action(async (flags: StoreFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = resolveConnection(flags, context.env);
      const to = required(flags.to, context, storeVariables.to);
      const transfer = await withSpinner(mode, context.stdout, `Handing the store to ${to}`, () => transferStore(connection, { to }));
      present(mode, context.stdout, transferPresentation(transfer));
    });
}
