import type { UserComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { UserDatabase } from './database.js';

type Schemas = UserComponents['schemas'];

/** A row of `users`. */
export type UserRow = Selectable<UserDatabase['users']>;
/** A row of `addresses`. */
export type AddressRow = Selectable<UserDatabase['addresses']>;
/** A row of `payment_methods` as read: every column but the write-only token. */
export type PaymentMethodRow = Omit<Selectable<UserDatabase['payment_methods']>, 'token'>;

/** A stored timestamp as the API shows it. */
export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

/** The `User` schema. */
export function toUser(row: UserRow): Schemas['User'] {
  // Every query that reaches here excludes pending rows; showing one would leak a half-made account.
  if (row.status === 'pending') throw new Error(`user ${row.id} is still pending and must not be shown`);
  return {
    id: row.id,
    email: row.email,
    emailVerified: row.email_verified,
    name: row.name,
    phone: row.phone,
    locale: row.locale,
    status: row.status,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The `Address` schema. */
export function toAddress(row: AddressRow): Schemas['Address'] {
  return {
    id: row.id,
    label: row.label,
    recipientName: row.recipient_name,
    phone: row.phone,
    line1: row.line1,
    line2: row.line2,
    city: row.city,
    region: row.region,
    postalCode: row.postal_code,
    countryCode: row.country_code,
    isDefault: row.is_default,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

/** The `PaymentMethod` schema: everything but the gateway token, which is write-only. */
export function toPaymentMethod(row: PaymentMethodRow): Schemas['PaymentMethod'] {
  return {
    id: row.id,
    provider: row.provider,
    type: row.type,
    label: row.label,
    brand: row.brand,
    last4: row.last4,
    expiryMonth: row.expiry_month,
    expiryYear: row.expiry_year,
    isDefault: row.is_default,
    createdAt: iso(row.created_at),
  };
}

/** The `DeletionRecord` schema. */
export function toDeletionRecord(
  deletion: Selectable<UserDatabase['deletions']>,
  acknowledgements: Array<Selectable<UserDatabase['deletion_acknowledgements']>>,
): Schemas['DeletionRecord'] {
  return {
    userId: deletion.user_id,
    deletedAt: iso(deletion.deleted_at),
    acknowledgements: acknowledgements.map((row) => ({ service: row.service, acknowledgedAt: iso(row.acknowledged_at) })),
  };
}
