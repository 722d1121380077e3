import type { StoreRole } from '@tokobapak/server';
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Whether a store is visible and open for business. */
export type StoreStatus = 'active' | 'suspended';

/** The stored states of an invitation; `expired` is derived from `expires_at`, never stored. */
export type StoredInvitationStatus = 'pending' | 'accepted' | 'revoked';

/** The merchant service's tables (schema `merchant`). Other services' ids are plain columns, never foreign keys. */
export interface MerchantDatabase {
  stores: {
    id: string;
    /** Lower-cased; unique (index `stores_handle_unique`). */
    handle: string;
    name: string;
    description: string | null;
    /** An image-proxy image id. */
    logo_image_id: string | null;
    contact_email: string | null;
    phone: string | null;
    /** The address columns are all null (no address) or line1, city, region, postal code and country all set. */
    address_line1: string | null;
    address_line2: string | null;
    address_city: string | null;
    address_region: string | null;
    address_postal_code: string | null;
    address_country_code: string | null;
    status: StoreStatus;
    suspended_at: Timestamp | null;
    suspension_reason: string | null;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  memberships: {
    store_id: string;
    user_id: string;
    /** Exactly one `owner` per store (partial unique index). */
    role: StoreRole;
    /**
     * The member's login email, lower-cased, recorded when they opened the store or accepted an
     * invitation (login emails cannot change); null for members from before it was kept.
     */
    email: string | null;
    created_at: Timestamp;
  };
  invitations: {
    id: string;
    store_id: string;
    /** Lower-cased. */
    email: string;
    role: 'manager' | 'staff';
    /** SHA-256 of the token, hex; the token itself is only ever in the mail. */
    token_hash: string;
    status: StoredInvitationStatus;
    invited_by_user_id: string;
    expires_at: Timestamp;
    accepted_at: Timestamp | null;
    accepted_by_user_id: string | null;
    created_at: Timestamp;
  };
}
