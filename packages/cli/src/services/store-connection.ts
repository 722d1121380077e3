import { createClient, type TokoBapakClient, TokoBapakError } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { readSession, rememberStore, type StoredSession, sessionTokenStore } from './session-file.js';
import type { Env } from './settings.js';
import { DEFAULT_STORE_URL, storeVariables } from './store-environment.js';

/** The connection flags of `tokobapak store`, as commander parsed them. */
export interface ConnectionFlags {
  url?: string | undefined;
  apiKey?: string | undefined;
  email?: string | undefined;
  password?: string | undefined;
  store?: string | undefined;
}

/** Where the store runs and how to sign in, with flags over variables over the stored session over defaults. */
export interface Connection {
  url: string;
  credentials:
    | { kind: 'apiKey'; apiKey: string }
    | { kind: 'password'; email: string; password: string }
    | { kind: 'session'; env: Env; session: StoredSession }
    | { kind: 'none' };
  /** Handle or id of the store to act in (a person's sign-in only). */
  store: string | undefined;
}

const pick = (flag: string | undefined, env: Env, name: string): string | undefined => {
  if (flag !== undefined && flag !== '') return flag;
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};

/**
 * Resolves the connection settings: an API key or email and password given as flags or variables
 * win; otherwise the session `tokobapak login` stored for the same URL. A malformed URL or half a
 * password sign-in is `CLI_INVALID_VALUE`.
 */
export function resolveConnection(flags: ConnectionFlags, env: Env): Connection {
  const stored = readSession(env);
  const url = (pick(flags.url, env, storeVariables.url.name) ?? stored?.url ?? DEFAULT_STORE_URL).replace(/\/+$/, '');
  if (!URL.canParse(url) || !/^https?:/i.test(url))
    throw new CliError('CLI_INVALID_VALUE', `--url / ${storeVariables.url.name} must be an http(s) URL, got "${url}"`);
  const apiKey = pick(flags.apiKey, env, storeVariables.apiKey.name);
  const email = pick(flags.email, env, storeVariables.email.name);
  const password = pick(flags.password, env, storeVariables.password.name);
  const store = pick(flags.store, env, storeVariables.store.name);
  if ((email === undefined) !== (password === undefined)) {
    throw new CliError('CLI_INVALID_VALUE', 'Signing in needs both --email and --password (or TOKOBAPAK_EMAIL and TOKOBAPAK_PASSWORD)');
  }
  const credentials: Connection['credentials'] =
    email !== undefined && password !== undefined
      ? { kind: 'password', email, password }
      : apiKey !== undefined
        ? { kind: 'apiKey', apiKey }
        : stored !== undefined && stored.url === url
          ? { kind: 'session', env, session: stored }
          : { kind: 'none' };
  return { url, credentials, store };
}

/**
 * The connection of the commands that act in a store with a store API key or the session of
 * `tokobapak login` (banners, orders, payouts, promotions): `TOKOBAPAK_EMAIL` and
 * `TOKOBAPAK_PASSWORD` are ignored, so a password left in the environment (for `register`, say)
 * never signs them in.
 */
export function sessionOrKeyConnection(flags: { url?: string | undefined; apiKey?: string | undefined }, env: Env): Connection {
  return resolveConnection(flags, { ...env, TOKOBAPAK_EMAIL: undefined, TOKOBAPAK_PASSWORD: undefined });
}

/**
 * The connection of `tokobapak payouts`: the session of `tokobapak login` alone. The merchant
 * service shows and moves a store's money only for a person who is its owner or a manager (a store
 * API key is refused with 401), so a key, even one exported for other commands in
 * `TOKOBAPAK_API_KEY`, is left out rather than sent in place of the session.
 */
export function sessionConnection(flags: { url?: string | undefined }, env: Env): Connection {
  const connection = resolveConnection(flags, { ...env, TOKOBAPAK_EMAIL: undefined, TOKOBAPAK_PASSWORD: undefined, [storeVariables.apiKey.name]: undefined });
  if (connection.credentials.kind === 'none') {
    throw new CliError(
      'CLI_CREDENTIALS_MISSING',
      "This command needs the store's owner or a manager: sign in with `tokobapak login`; a store API key cannot see or move the store's money",
    );
  }
  return connection;
}

/**
 * The connection of the admins' commands that only a person can run (`tokobapak withdrawals`): the
 * session of `tokobapak login`, or `--email` and `--password`. A password left in the environment
 * signs in only with an email given too, and a store API key (even one exported in
 * `TOKOBAPAK_API_KEY` for other commands) is left out: the platform's admin role belongs to a
 * person, so a key would only be refused in place of the session.
 */
export function adminConnection(flags: ConnectionFlags, env: Env): Connection {
  const signsIn = flags.email !== undefined || Boolean(env[storeVariables.email.name]);
  const connection = resolveConnection(
    { ...flags, apiKey: undefined },
    { ...env, [storeVariables.apiKey.name]: undefined, ...(signsIn ? {} : { [storeVariables.password.name]: undefined }) },
  );
  if (connection.credentials.kind === 'none') {
    throw new CliError(
      'CLI_CREDENTIALS_MISSING',
      'This command is for platform admins: sign in with `tokobapak login --email <admin email>` (or pass --email and --password); an API key cannot act as an admin',
    );
  }
  return connection;
}

const SIGN_IN_HINT = 'sign in with `tokobapak login` (or pass --email and --password, TOKOBAPAK_EMAIL and TOKOBAPAK_PASSWORD)';

/** A client signed in as a person (email and password); `store create` needs one. */
export async function signIn(connection: Connection, fetchImpl?: typeof fetch): Promise<TokoBapakClient> {
  const { credentials } = connection;
  if (credentials.kind === 'session') {
    return createClient({
      baseUrl: connection.url,
      tokenStore: sessionTokenStore(credentials.env, credentials.session),
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });
  }
  if (credentials.kind !== 'password') {
    throw new CliError('CLI_CREDENTIALS_MISSING', `This command needs a person signed in: ${SIGN_IN_HINT}; an API key cannot do it`);
  }
  const client = createClient({ baseUrl: connection.url, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  await callApi(connection, () => client.auth.login({ body: { email: credentials.email, password: credentials.password } }));
  return client;
}

/**
 * A client acting inside one store: a store-scoped API key as it is, or a person's store session
 * (`auth.selectStore`) for `--store`, or for their only store when they have exactly one.
 */
export async function storeClient(connection: Connection, fetchImpl?: typeof fetch): Promise<TokoBapakClient> {
  const { credentials } = connection;
  if (credentials.kind === 'apiKey') return createClient({ baseUrl: connection.url, apiKey: credentials.apiKey, ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  if (credentials.kind === 'none') {
    throw new CliError('CLI_CREDENTIALS_MISSING', `This command acts in a store: ${SIGN_IN_HINT}, or pass a store API key with --api-key (TOKOBAPAK_API_KEY)`);
  }
  const client = await signIn(connection, fetchImpl);
  const current = credentials.kind === 'session' ? credentials.session.store : undefined;
  const wanted = connection.store?.toLowerCase();
  // A stored store session already acts in its store; switch only when another one is named.
  if (current && (wanted === undefined || wanted === current.id || wanted === current.handle)) return client;
  const store = await chooseStore(connection, client);
  await actAs(connection, client, store);
  return client;
}

/** Switches a person's client into one of their stores; a stored session remembers it. */
export async function actAs(connection: Connection, client: TokoBapakClient, store: { id: string; handle: string }): Promise<void> {
  await callApi(connection, () => client.actAsStore(store.id));
  if (connection.credentials.kind === 'session') rememberStore(connection.credentials.env, store);
}

async function chooseStore(connection: Connection, client: TokoBapakClient): Promise<{ id: string; handle: string }> {
  const stores: Array<{ id: string; handle: string }> = [];
  await callApi(connection, async () => {
    for await (const item of client.merchant.listMyStores.iterate({ query: { limit: 100 } })) stores.push(item.store);
  });
  const wanted = connection.store?.toLowerCase();
  if (wanted !== undefined) {
    const match = stores.find((store) => store.id === wanted || store.handle === wanted);
    if (!match) throw new CliError('CLI_STORE_NOT_FOUND', `You are not a member of a store "${connection.store}"`);
    return match;
  }
  const [only, ...others] = stores;
  if (!only) throw new CliError('CLI_STORE_NOT_FOUND', 'You are not a member of any store; open one with `tokobapak store create`');
  if (others.length > 0) {
    throw new CliError(
      'CLI_STORE_NOT_FOUND',
      `You belong to several stores (${stores.map((store) => store.handle).join(', ')}); choose one with --store (TOKOBAPAK_STORE)`,
    );
  }
  return only;
}

/** Runs an API call, turning the API's problems and a dead server into CLI errors. */
export async function callApi<T>(connection: Connection, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TokoBapakError) throw new CliError('CLI_API_ERROR', `${error.status} ${error.code}: ${error.problem.detail ?? error.problem.title}`);
    if (error instanceof TypeError) throw new CliError('CLI_SERVER_UNREACHABLE', `No TokoBapak server answers at ${connection.url} (${causeOf(error)})`);
    throw error;
  }
}

function causeOf(error: TypeError): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? error.message;
}
