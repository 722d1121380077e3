import type { RunningServer } from './runtime.js';

/** A demo account `--demo` creates. */
export interface DemoUser {
  role: 'admin' | 'customer';
  email: string;
  password: string;
  name: string;
}

/**
 * The accounts `tokobapak start --demo` creates; their credentials are printed at start-up. The
 * passwords pass the services' password rules: auth refuses one containing the email's local part
 * (so not "demo-admin-password"), user one containing a word of the name.
 */
export const DEMO_USERS: DemoUser[] = [
  { role: 'admin', email: 'admin@demo.tokobapak.dev', password: 'demo-boss-password', name: 'Ibu Sari' },
  { role: 'customer', email: 'customer@demo.tokobapak.dev', password: 'demo-shopper-password', name: 'Pak Budi' },
];

/**
 * Service options for a `--demo` run: auth grants the admin role to the demo admin's email when
 * the account is created (its `adminEmails` option), so the seed can register it like anyone else.
 */
export function withDemoAdmin(serviceOptions: Record<string, unknown>): Record<string, unknown> {
  const auth = (serviceOptions.auth ?? {}) as { adminEmails?: string[] };
  const admins = DEMO_USERS.filter((user) => user.role === 'admin').map((user) => user.email);
  return { ...serviceOptions, auth: { ...auth, adminEmails: [...(auth.adminEmails ?? []), ...admins] } };
}

/** What {@link seedDemo} did. */
export interface DemoSeedResult {
  users: Array<DemoUser & { status: 'created' | 'existing' }>;
  /** Why nothing was seeded, when nothing was. */
  skipped?: string;
}

/**
 * Seeds demo data through the server's in-process client; running it again changes nothing.
 *
 * The admin gets its role from {@link withDemoAdmin} when the account is created; an account that
 * existed before (made without `--demo`) keeps the role it had. Extension point: more demo data
 * (catalogue, orders) goes here as the services arrive, each step idempotent.
 *
 * @example
 * const server = await createServer(config);
 * await server.listen({ port: 0 });
 * const { users } = await seedDemo(server);
 */
export async function seedDemo(server: Pick<RunningServer, 'client' | 'plugins'>): Promise<DemoSeedResult> {
  if (!server.plugins.some((plugin) => plugin.name === 'user')) {
    return { users: [], skipped: 'the user service does not run in this process' };
  }
  const client = server.client();
  const users: DemoSeedResult['users'] = [];
  for (const user of DEMO_USERS) {
    try {
      await client.user.register({ body: { email: user.email, password: user.password, name: user.name } });
      users.push({ ...user, status: 'created' });
    } catch (error) {
      if (!isConflict(error)) throw error;
      users.push({ ...user, status: 'existing' });
    }
  }
  return { users };
}

// The SDK throws errors carrying the problem+json body; 409 is "that e-mail address is taken".
function isConflict(error: unknown): boolean {
  const failure = error as { status?: number; problem?: { status?: number } } | null;
  return failure?.status === 409 || failure?.problem?.status === 409;
}
