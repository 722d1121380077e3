import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/**
 * A user row's lifecycle. `pending` exists only while registration waits for the auth service to
 * store the credential; such rows are invisible to every operation but registration itself.
 */
export type UserStatus = 'pending' | 'active' | 'suspended';

/** The user service's tables (schema `user`). Other services' ids are plain columns, never foreign keys. */
export interface UserDatabase {
  users: {
    id: string;
    /** Lower-cased and trimmed; unique across every status, so a pending registration holds the email. */
    email: string;
    email_verified: boolean;
    name: string;
    phone: string | null;
    locale: string;
    status: UserStatus;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  addresses: {
    id: string;
    user_id: string;
    label: string;
    recipient_name: string;
    phone: string;
    line1: string;
    line2: string | null;
    city: string;
    region: string;
    postal_code: string;
    country_code: string;
    /** At most one per user (partial unique index); exactly one whenever the user has any. */
    is_default: boolean;
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  payment_methods: {
    id: string;
    user_id: string;
    provider: string;
    type: 'card' | 'ewallet' | 'bank_account' | 'virtual_account';
    /** The gateway's token: write-only, never part of a response. */
    token: string;
    label: string;
    brand: string | null;
    last4: string | null;
    expiry_month: number | null;
    expiry_year: number | null;
    is_default: boolean;
    created_at: Timestamp;
  };
  /** One row per deleted account; deliberately nothing but the id and the time. */
  deletions: {
    user_id: string;
    deleted_at: Timestamp;
  };
  /** Which service erased a deleted account's data, and when. */
  deletion_acknowledgements: {
    user_id: string;
    service: string;
    acknowledged_at: Timestamp;
  };
}
