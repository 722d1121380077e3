/**
 * A shopper's first minutes: register, sign in, read the profile, add an address, list addresses.
 * Run against a started store: `pnpm demo`, then `npx tsx examples/storefront-flow.ts`.
 */
import { createClient, TokoBapakError } from '@tokobapak/sdk';

const baseUrl = process.env.TOKOBAPAK_URL ?? 'http://127.0.0.1:4000';
const client = createClient({ baseUrl });
const email = `ani+${Date.now()}@example.com`;
const password = 'kopi-susu-gula-aren';

await client.user.register({ body: { email, password, name: 'Ani' } });
await client.auth.login({ body: { email, password } });

const me = await client.user.getProfile();
console.log(`signed in as ${me.name} <${me.email}> (${me.id})`);

await client.user.createAddress({
  body: {
    label: 'Rumah',
    recipientName: 'Ani',
    phone: '+6281234567890',
    line1: 'Jl. Melati 5',
    city: 'Bandung',
    region: 'Jawa Barat',
    postalCode: '40115',
    countryCode: 'ID',
  },
});
for await (const address of client.user.listAddresses.iterate()) console.log(`address: ${address.label}${address.isDefault ? ' (default)' : ''}`);

try {
  await client.auth.login({ body: { email, password: 'wrong password' } });
} catch (error) {
  if (error instanceof TokoBapakError) console.log(`a wrong password answers ${error.status} ${error.code}`);
}
