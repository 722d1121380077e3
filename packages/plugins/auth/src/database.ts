import type { StoreRole } from '@tokobapak/server';
import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** The auth service's tables (schema `auth`). Other services' ids are plain columns, never foreign keys. */
export interface AuthDatabase {
  credentials: {
    user_id: string;
    email: string;
    /** Argon2id PHC string; null for accounts that only sign in through OIDC. */
    password_hash: string | null;
    role: 'customer' | 'admin';
    created_at: Timestamp;
    updated_at: Timestamp;
  };
  refresh_tokens: {
    id: string;
    /** The session: every token rotated from one login shares it. */
    family_id: string;
    user_id: string;
    token_hash: string;
    created_at: Timestamp;
    expires_at: Timestamp;
    rotated_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
    revoked_reason: string | null;
    /** Set for store sessions: the store the family acts in, and the role it was issued with. */
    store_id: ColumnType<string | null, string | null | undefined, string | null>;
    store_role: ColumnType<StoreRole | null, StoreRole | null | undefined, StoreRole | null>;
  };
  password_resets: {
    id: string;
    user_id: string;
    token_hash: string;
    created_at: Timestamp;
    expires_at: Timestamp;
    used_at: NullableTimestamp;
  };
  login_attempts: {
    id: Generated<number>;
    email: string;
    ip: string;
    attempted_at: Timestamp;
  };
  api_keys: {
    id: string;
    user_id: string;
    name: string;
    prefix: string;
    secret_hash: string;
    scopes: string[];
    store_id: string | null;
    created_at: Timestamp;
    last_used_at: NullableTimestamp;
    expires_at: NullableTimestamp;
    revoked_at: NullableTimestamp;
  };
  oidc_states: {
    state: string;
    provider_id: string;
    nonce: string;
    code_verifier: string;
    redirect_uri: string | null;
    created_at: Timestamp;
    expires_at: Timestamp;
  };
  /** Stores the merchant service announced as suspended: their keys and store sessions stop working. */
  suspended_stores: {
    store_id: string;
    suspended_at: Timestamp;
  };
  identities: {
    provider_id: string;
    subject: string;
    user_id: string;
    email: string | null;
    created_at: Timestamp;
  };
}
