/**
 * A script that works with an API key instead of a password: create a narrowly scoped key once,
 * then use only the key. Run against a started store: `pnpm demo`, then `npx tsx examples/merchant-script.ts`.
 */
import { createClient } from '@tokobapak/sdk';

const baseUrl = process.env.TOKOBAPAK_URL ?? 'http://127.0.0.1:4000';

// Once, signed in as the owner (here: the demo customer that `pnpm demo` creates).
const owner = createClient({ baseUrl });
await owner.auth.login({ body: { email: 'customer@demo.tokobapak.dev', password: 'demo-shopper-password' } });
const { secret, apiKey } = await owner.auth.createApiKey({ body: { name: 'nightly report', scopes: ['profile:read'] } });
console.log(`created key ${apiKey.prefix}… with scopes ${apiKey.scopes.join(', ')}`);

// From now on the script holds only the key.
const script = createClient({ baseUrl, apiKey: secret });
const self = await script.auth.getApiKeySelf();
const profile = await script.user.getProfile();
console.log(`key ${self.id} acts for ${profile.email}`);

// The key is refused where its scopes do not reach (profile:write is missing).
await script.user.updateProfile({ body: { name: 'Changed by a script' } }).catch((error: { code?: string }) => console.log(`update refused: ${error.code}`));

await owner.auth.revokeApiKey({ params: { keyId: apiKey.id } });
