import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { PaymentDatabase } from '../database.js';
import { paymentErrors } from '../errors.js';
import type { PaymentSettings } from '../options.js';
import { MidtransProvider } from './midtrans.js';
import type { PaymentProvider } from './provider.js';
import { SandboxProvider } from './sandbox.js';

/** The gateways a store has: the one new payments use, and every one whose webhooks it accepts. */
export interface Gateways {
  current: PaymentProvider;
  sandbox: SandboxProvider | undefined;
  /** By name; a payment keeps the gateway it was made with. */
  byName(name: string): PaymentProvider;
  /** Loads (or makes) the sandbox's webhook secret; call once the migrations ran. */
  start(db: Kysely<PaymentDatabase>): Promise<void>;
}

/** Builds the configured gateways. */
export function createGateways(settings: PaymentSettings): Gateways {
  let secret = settings.sandbox.webhookSecret;
  const sandbox = settings.sandbox.enabled
    ? new SandboxProvider(async () => {
        if (secret === undefined) throw new Error('payment: the sandbox secret is read before the plugin started');
        return secret;
      })
    : undefined;
  const midtrans = settings.midtrans ? new MidtransProvider({ ...settings.midtrans, fetch: settings.fetch }) : undefined;
  const all: PaymentProvider[] = [...(sandbox ? [sandbox] : []), ...(midtrans ? [midtrans] : [])];
  const current = all.find((provider) => provider.name === settings.provider);
  if (!current) throw new Error(`payment: provider ${settings.provider} is not configured`);
  return {
    current,
    sandbox,
    byName(name) {
      const found = all.find((provider) => provider.name === name);
      if (!found) throw paymentErrors.PAYMENT_PROVIDER_NOT_FOUND(`The ${name} gateway is not configured on this store`);
      return found;
    },
    async start(db) {
      if (secret !== undefined || !sandbox) return;
      // Made once and kept in the database, so every process sharing it verifies the others' webhooks.
      await db
        .insertInto('settings')
        .values({ key: 'sandbox_webhook_secret', value: randomBytes(32).toString('base64url') })
        .onConflict((conflict) => conflict.column('key').doNothing())
        .execute();
      const row = await db.selectFrom('settings').select('value').where('key', '=', 'sandbox_webhook_secret').executeTakeFirstOrThrow();
      secret = row.value;
    },
  };
}
