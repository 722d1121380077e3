import type { StoreRole } from '@tokobapak/server';
import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** PostgreSQL `bigint`: read as text by pg (exact), written as a number. */
type Int8 = ColumnType<string | number | bigint, number, number>;

/** The kinds of ledger account: the store's two, and the platform's three. */
export type LedgerAccountKind = 'store_available' | 'store_pending' | 'platform_clearing' | 'platform_fee_revenue' | 'platform_adjustments';

/** What a posting records. */
export type LedgerPostingKind = 'order_completed' | 'order_refunded' | 'adjustment' | 'withdrawal_requested' | 'withdrawal_rejected' | 'withdrawal_paid';

/** Where a withdrawal is in its life. */
export type WithdrawalStatus = 'requested' | 'approved' | 'paid' | 'rejected';

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
  ledger_accounts: {
    id: string;
    /** A store id, or `platform`. Unique with kind and currency (`ledger_accounts_unique`). */
    owner: string;
    kind: LedgerAccountKind;
    currency: string;
    /** The natural balance, cached for store accounts under a row lock; 0 on platform accounts (summed from entries). */
    balance: ColumnType<string | number | bigint, number | undefined, number>;
    created_at: Timestamp;
  };
  ledger_postings: {
    id: string;
    kind: LedgerPostingKind;
    store_id: string;
    currency: string;
    /** Unique: what the posting records, so that it is recorded once (`order.completed:<orderId>`, ...). */
    source_key: string;
    order_id: string | null;
    refund_id: string | null;
    withdrawal_id: string | null;
    memo: string;
    created_by_user_id: string | null;
    created_at: Timestamp;
  };
  ledger_entries: {
    id: string;
    posting_id: string;
    account_id: string;
    owner: string;
    currency: string;
    /** Debits positive, credits negative; a posting's entries sum to zero (checked at commit). */
    amount: Int8;
    /** The account's natural balance after this entry; null on platform accounts. */
    balance_after: Int8 | null;
    created_at: Timestamp;
  };
  withdrawals: {
    id: string;
    store_id: string;
    currency: string;
    amount: Int8;
    bank_code: string;
    account_number: string;
    account_holder_name: string;
    note: string | null;
    status: WithdrawalStatus;
    requested_by_user_id: string;
    requested_at: Timestamp;
    approved_at: Timestamp | null;
    approved_by_user_id: string | null;
    paid_at: Timestamp | null;
    paid_by_user_id: string | null;
    payout_reference: string | null;
    rejected_at: Timestamp | null;
    rejected_by_user_id: string | null;
    rejection_reason: string | null;
    updated_at: Timestamp;
  };
}
