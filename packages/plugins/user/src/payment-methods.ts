import type { UserComponents } from '@tokobapak/sdk';
import { decodeCursor, isUniqueViolation, newId, type Page, toPage } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import { looksLikeCardNumber } from './card-numbers.js';
import type { UserDatabase } from './database.js';
import { defaultFirstKey, parseDefaultFirstKey } from './default-first.js';
import { userErrors } from './errors.js';
import { exactlyOneDefault } from './exactly-one-default.js';
import { type PaymentMethodRow, toPaymentMethod } from './mappers.js';
import type { Transact } from './users.js';

type Schemas = UserComponents['schemas'];
type Db = Kysely<UserDatabase>;

const TOKEN_INDEX = 'payment_methods_token_unique';

// The token is selected nowhere: what is never read cannot leak into a response or a log.
const PUBLIC_COLUMNS = [
  'id',
  'user_id',
  'provider',
  'type',
  'label',
  'brand',
  'last4',
  'expiry_month',
  'expiry_year',
  'is_default',
  'created_at',
] as const satisfies ReadonlyArray<keyof UserDatabase['payment_methods']>;

const defaults = exactlyOneDefault<'payment_methods', PaymentMethodRow>({
  table: 'payment_methods',
  columns: PUBLIC_COLUMNS,
  stampsUpdatedAt: false,
  notFound: () => userErrors.USER_PAYMENT_METHOD_NOT_FOUND(),
});

/** One page of a user's payment methods: the default first, then the others newest first. Tokens are never read. */
export async function listPaymentMethods(
  db: Db,
  userId: string,
  page: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<Schemas['PaymentMethod']>> {
  const limit = page.limit ?? 20;
  const after = parseDefaultFirstKey(decodeCursor(page.cursor));
  let select = db.selectFrom('payment_methods').select(PUBLIC_COLUMNS).where('user_id', '=', userId);
  if (after) {
    const { id } = after;
    select = after.isDefault
      ? select.where((eb) => eb.or([eb('is_default', '=', false), eb('id', '<', id)]))
      : select.where('is_default', '=', false).where('id', '<', id);
  }
  const rows = await select
    .orderBy('is_default', 'desc')
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(rows, limit, defaultFirstKey, toPaymentMethod);
}

/**
 * Saves a gateway token. A "token" that is really a card number is refused before it touches the
 * database; the first method, or one saved with `isDefault: true`, becomes the default.
 */
export async function savePaymentMethod(transact: Transact, userId: string, input: Schemas['PaymentMethodInput'], now: Date): Promise<PaymentMethodRow> {
  if (looksLikeCardNumber(input.token)) {
    throw userErrors.USER_CARD_NUMBER_REJECTED('The token looks like a card number; tokenise the card with the payment gateway and save its token');
  }
  try {
    return await defaults.add(transact, userId, input.isDefault, now, (db, isDefault) =>
      db
        .insertInto('payment_methods')
        .values({
          id: newId('pm'),
          user_id: userId,
          provider: input.provider,
          type: input.type,
          token: input.token,
          label: input.label,
          brand: input.brand ?? null,
          last4: input.last4 ?? null,
          expiry_month: input.expiryMonth ?? null,
          expiry_year: input.expiryYear ?? null,
          is_default: isDefault,
          created_at: now,
        })
        .returning(PUBLIC_COLUMNS)
        .executeTakeFirstOrThrow(),
    );
  } catch (error) {
    if (isUniqueViolation(error, TOKEN_INDEX)) throw userErrors.USER_PAYMENT_METHOD_EXISTS();
    throw error;
  }
}

/** Deletes a method; when it was the default, the most recently saved remaining one takes over. */
export async function deletePaymentMethod(transact: Transact, userId: string, paymentMethodId: string, now: Date): Promise<void> {
  await defaults.remove(transact, userId, paymentMethodId, now);
}

/** Makes a method the default in place of the previous one; on the default itself it changes nothing. */
export async function setDefaultPaymentMethod(transact: Transact, userId: string, paymentMethodId: string, now: Date): Promise<PaymentMethodRow> {
  return defaults.setDefault(transact, userId, paymentMethodId, now);
}
