import type { Identity } from '../services/account-actions.js';
import type { ApiKey, CreatedApiKey, Image, Product } from '../services/merchant-actions.js';
import type { Presentation } from './output.js';
import { recordPresentation } from './record.js';

/** `tokobapak login`, `register` and `whoami`. */
export function identityPresentation(identity: Identity, title: string): Presentation {
  const notes = identity.store ? [] : ['Not acting in a store: `tokobapak store create` opens one, `tokobapak login --store <handle>` enters one.'];
  return recordPresentation(
    identity,
    title,
    [
      ['email', identity.email],
      ['name', identity.name],
      ['user', identity.userId],
      ['store', identity.store ? `${identity.store.handle} (${identity.store.id})` : '-'],
      ['server', identity.url],
      ['session file', identity.sessionFile ?? '-'],
    ],
    notes,
  );
}

/** `tokobapak logout`. */
export function logoutPresentation(result: { url: string; signedOut: boolean }): Presentation {
  const title = result.signedOut ? `Signed out of ${result.url}; the session file is removed.` : `Nobody was signed in at ${result.url}.`;
  return recordPresentation(result, title, []);
}

/** `tokobapak keys create`: the secret is shown once. */
export function createdKeyPresentation(created: CreatedApiKey): Presentation {
  return recordPresentation(
    created,
    `Created API key ${created.apiKey.name}. Its secret is shown only now:`,
    [
      ['secret', created.secret],
      ['id', created.apiKey.id],
      ['scopes', created.apiKey.scopes.join(', ')],
      ['store', created.apiKey.storeId ?? '-'],
    ],
    ['Scripts send it as X-Api-Key; the CLI reads it from TOKOBAPAK_API_KEY.'],
  );
}

/** `tokobapak keys list`. */
export function keyListPresentation(keys: ApiKey[]): Presentation {
  return recordPresentation(
    { keys },
    keys.length ? `${keys.length} API key${keys.length === 1 ? '' : 's'}` : 'No API keys.',
    keys.map((key) => [key.id, `${key.name} · ${key.scopes.join(',')} · ${key.storeId ?? 'no store'}${key.revokedAt ? ' · revoked' : ''}`]),
  );
}

/** `tokobapak keys revoke`. */
export function revokedKeyPresentation(keyId: string): Presentation {
  return recordPresentation({ revoked: keyId }, `Revoked ${keyId}; it stops working within the key cache's 30 seconds.`, []);
}

/** `tokobapak images upload`. */
export function imagePresentation(image: Image): Presentation {
  return recordPresentation(
    { image },
    `Uploaded image ${image.id}.`,
    [
      ['id', image.id],
      ['size', `${image.width}×${image.height} ${image.contentType}, ${image.bytes} bytes`],
    ],
    [`Use it with --image-id ${image.id} (products create, banners create).`],
  );
}

/** `tokobapak products create` and `products publish`: says plainly whether shoppers can see it. */
export function productPresentation(product: Product, action: 'created' | 'published'): Presentation {
  const draft = product.status === 'draft';
  const title =
    action === 'published' ? `Published ${product.handle}: it is in the public catalogue.` : `Created ${product.handle} as ${draft ? 'a draft' : 'active'}.`;
  const notes = draft ? [`Drafts are not in the public catalogue: publish it with \`tokobapak products publish ${product.id}\`.`] : [];
  const variant = product.variants[0];
  return recordPresentation(
    { product, draft },
    title,
    [
      ['id', product.id],
      ['status', product.status],
      ['price', variant ? `${variant.price.amount} ${variant.price.currency}` : '-'],
      ['stock', variant ? String(variant.stockOnHand) : '-'],
    ],
    notes,
  );
}

/** `tokobapak service-token`. */
export function serviceTokenPresentation(token: { service: string; header: string; credential: string }): Presentation {
  return {
    json: () => token,
    // Plain output is the credential alone, for `$(tokobapak service-token --service order)`.
    plain: () => [token.credential],
    tty: () => recordPresentation(token, `A service credential for ${token.service} (send it as ${token.header}):`, [['credential', token.credential]]).tty(),
  };
}
