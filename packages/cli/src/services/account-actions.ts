import type { UserComponents } from '@tokobapak/sdk';
import { createClient } from '@tokobapak/sdk';
import { CliError } from './errors.js';
import { removeSession, sessionPath, writeSession } from './session-file.js';
import type { Env } from './settings.js';
import { type Connection, callApi, signIn } from './store-connection.js';

/** Who `whoami` says is signed in. */
export interface Identity {
  url: string;
  email: string;
  name: string;
  userId: string;
  store: { id: string; handle: string } | null;
  sessionFile: string | null;
}

/** The person's profile as the user service describes it. */
type Profile = UserComponents['schemas']['User'];

function passwordOf(connection: Connection): { email: string; password: string } {
  if (connection.credentials.kind !== 'password') {
    throw new CliError(
      'CLI_CREDENTIALS_MISSING',
      'Pass --email and --password (or TOKOBAPAK_EMAIL and TOKOBAPAK_PASSWORD; prefer the variable for the password)',
    );
  }
  return connection.credentials;
}

/**
 * `tokobapak login`: signs in with email and password and keeps the session (its token pair) in the
 * config folder, so later commands need no password; with `--store` it acts in that store at once.
 */
export async function login(connection: Connection, env: Env): Promise<Identity> {
  const { email, password } = passwordOf(connection);
  const client = createClient({ baseUrl: connection.url });
  const tokens = await callApi(connection, () => client.auth.login({ body: { email, password } }));
  writeSession(env, { url: connection.url, email, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
  return whoami({ ...connection, credentials: { kind: 'session', env, session: { url: connection.url, email, ...tokens } } }, env);
}

/** `tokobapak register`: creates the account (the password rules apply), then signs in as `login` does. */
export async function register(connection: Connection, env: Env, name: string): Promise<Identity> {
  const { email, password } = passwordOf(connection);
  const client = createClient({ baseUrl: connection.url });
  await callApi(connection, () => client.user.register({ body: { email, password, name } }));
  return login(connection, env);
}

/** `tokobapak whoami`: the signed-in person and the store they act in. */
export async function whoami(connection: Connection, env: Env): Promise<Identity> {
  if (connection.credentials.kind !== 'session') {
    throw new CliError('CLI_CREDENTIALS_MISSING', `Nobody is signed in at ${connection.url}: run \`tokobapak login\``);
  }
  const session = connection.credentials.session;
  const client = await signIn(connection);
  const profile: Profile = await callApi(connection, () => client.user.getProfile());
  return {
    url: connection.url,
    email: profile.email,
    name: profile.name,
    userId: profile.id,
    store: session.store ?? null,
    sessionFile: sessionPath(env) ?? null,
  };
}

/** `tokobapak logout`: ends the session on the server (when it answers) and forgets it here. */
export async function logout(connection: Connection, env: Env): Promise<{ url: string; signedOut: boolean }> {
  if (connection.credentials.kind !== 'session') {
    removeSession(env);
    return { url: connection.url, signedOut: false };
  }
  const client = await signIn(connection);
  try {
    await client.auth.logout();
  } catch {
    // An expired session or a stopped server: forgetting it here is what matters.
  }
  removeSession(env);
  return { url: connection.url, signedOut: true };
}
