import type { MerchantComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { MerchantDatabase } from './database.js';

type Schemas = MerchantComponents['schemas'];

/** A row of `stores`. */
export type StoreRow = Selectable<MerchantDatabase['stores']>;
/** A row of `memberships`. */
export type MembershipRow = Selectable<MerchantDatabase['memberships']>;
/** A row of `invitations`. */
export type InvitationRow = Selectable<MerchantDatabase['invitations']>;

/** A stored timestamp as the API shows it. */
export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

function isoOrNull(value: Date | string | null): string | null {
  return value === null ? null : iso(value);
}

/** The `StoreAddress` schema, or null when the store has none. */
export function toStoreAddress(row: StoreRow): Schemas['StoreAddress'] | null {
  const { address_line1, address_city, address_region, address_postal_code, address_country_code } = row;
  if (address_line1 === null || address_city === null || address_region === null || address_postal_code === null || address_country_code === null) {
    return null;
  }
  return {
    line1: address_line1,
    line2: row.address_line2,
    city: address_city,
    region: address_region,
    postalCode: address_postal_code,
    countryCode: address_country_code,
  };
}

/** The address columns for an address given in a request (`null` clears them all). */
export function addressColumns(address: Schemas['StoreAddress'] | null) {
  return {
    address_line1: address?.line1 ?? null,
    address_line2: address?.line2 ?? null,
    address_city: address?.city ?? null,
    address_region: address?.region ?? null,
    address_postal_code: address?.postalCode ?? null,
    address_country_code: address?.countryCode ?? null,
  };
}

/** The `Store` schema: everything members and admins see. */
export function toStore(row: StoreRow): Schemas['Store'] {
  return {
    ...toStoreProfile(row),
    address: toStoreAddress(row),
    status: row.status,
    suspendedAt: isoOrNull(row.suspended_at),
    suspensionReason: row.suspension_reason,
    updatedAt: iso(row.updated_at),
  };
}

/** The `StoreProfile` schema: what the public sees, without the address or moderation details. */
export function toStoreProfile(row: StoreRow): Schemas['StoreProfile'] {
  return {
    id: row.id,
    handle: row.handle,
    name: row.name,
    description: row.description,
    logoImageId: row.logo_image_id,
    contactEmail: row.contact_email,
    phone: row.phone,
    createdAt: iso(row.created_at),
  };
}

/** The `Membership` schema. */
export function toMembership(row: MembershipRow): Schemas['Membership'] {
  return { storeId: row.store_id, userId: row.user_id, email: row.email, role: row.role, joinedAt: iso(row.created_at) };
}

/** The `OwnershipTransfer` schema. */
export function toOwnershipTransfer(result: {
  storeId: string;
  previousOwner: MembershipRow | null;
  newOwner: MembershipRow;
  transferredAt: Date;
}): Schemas['OwnershipTransfer'] {
  return {
    storeId: result.storeId,
    previousOwner: result.previousOwner ? toMembership(result.previousOwner) : null,
    newOwner: toMembership(result.newOwner),
    transferredAt: iso(result.transferredAt),
  };
}

/** The `Invitation` schema; a pending invitation past its expiry shows as `expired`. */
export function toInvitation(row: InvitationRow, now: Date): Schemas['Invitation'] {
  const expired = row.status === 'pending' && new Date(row.expires_at).getTime() <= now.getTime();
  return {
    id: row.id,
    storeId: row.store_id,
    email: row.email,
    role: row.role,
    status: expired ? 'expired' : row.status,
    invitedByUserId: row.invited_by_user_id,
    expiresAt: iso(row.expires_at),
    acceptedAt: isoOrNull(row.accepted_at),
    createdAt: iso(row.created_at),
  };
}
