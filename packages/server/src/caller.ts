/** Who is calling an operation, as established by the security schemes before any handler runs. */
export type Caller = GuestCaller | UserCaller | ApiKeyCaller | ServiceCaller;

/** No credentials were presented (only operations with `security: []` see this). */
export interface GuestCaller {
  kind: 'guest';
}

/** A signed-in person holding an access token. */
export interface UserCaller {
  kind: 'user';
  userId: string;
  role: UserRole;
  /** The refresh-token family this access token was issued from. */
  sessionId: string;
  /** The store this session acts in (a store session from `auth.selectStore`), or null. */
  storeId: string | null;
  /** The caller's role in that store. */
  storeRole: StoreRole | null;
}

/** A script authenticated with a merchant API key. */
export interface ApiKeyCaller {
  kind: 'apiKey';
  userId: string;
  keyId: string;
  scopes: string[];
  /** The store the key acts in, when it was issued for one. */
  storeId: string | null;
}

/** Another TokoBapak service authenticated with the platform's service credential. */
export interface ServiceCaller {
  kind: 'service';
  service: string;
}

/** Platform roles carried in access tokens. */
export type UserRole = 'customer' | 'admin';

/** Roles inside one store, from most to least powerful. */
export type StoreRole = 'owner' | 'manager' | 'staff';
