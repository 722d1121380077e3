import type { RunningServer } from './runtime.js';

/** A demo account `--demo` creates. */
export interface DemoUser {
  role: 'admin' | 'customer' | 'merchant';
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
  { role: 'merchant', email: 'merchant@demo.tokobapak.dev', password: 'demo-seller-password', name: 'Bu Rina' },
];

/** The demo store the merchant owns. */
export const DEMO_STORE = { name: 'Toko Demo Nusantara', handle: 'toko-demo' };

/** A second store of the same merchant, so that a demo cart can hold lines from two stores. */
export const DEMO_SECOND_STORE = { name: 'Warung Demo Rempah', handle: 'warung-demo' };
// IDR has no minor units (docs/api-conventions.md): Rp 85.000 is `amount: 85000`.
const rupiah = (amount: number) => ({ amount, currency: 'IDR' });

/** The demo catalogue; `price` is in whole rupiah, as `docs/cli.md` lists it. */
export const DEMO_PRODUCTS = [
  {
    title: 'Kopi Gayo Arabika 250 g',
    handle: 'kopi-gayo-250',
    categories: ['kopi', 'minuman'],
    price: 85_000,
    stock: 40,
    description: 'Biji kopi arabika dari dataran tinggi Gayo, sangrai medium.',
  },
  {
    title: 'Teh Melati Tubruk',
    handle: 'teh-melati',
    categories: ['teh', 'minuman'],
    price: 18_000,
    stock: 120,
    description: 'Teh hijau dengan bunga melati, diseduh tubruk.',
  },
  {
    title: 'Gula Aren Cair 500 ml',
    handle: 'gula-aren-cair',
    categories: ['pemanis', 'dapur'],
    price: 32_000,
    stock: 0,
    description: 'Gula aren murni dari Banten; habis terjual.',
  },
  {
    title: 'Sambal Roa Manado',
    handle: 'sambal-roa',
    categories: ['sambal', 'dapur'],
    price: 45_000,
    stock: 25,
    description: 'Sambal ikan roa asap, pedas gurih.',
  },
  {
    title: 'Keripik Tempe Malang',
    handle: 'keripik-tempe',
    categories: ['camilan'],
    price: 15_000,
    stock: 200,
    description: 'Keripik tempe tipis dan renyah.',
  },
  {
    title: 'Batik Tulis Pekalongan',
    handle: 'batik-pekalongan',
    categories: ['pakaian'],
    price: 350_000,
    stock: 5,
    description: 'Kain batik tulis, motif buketan.',
  },
];

/** The second demo store's catalogue, in whole rupiah like {@link DEMO_PRODUCTS}. */
export const DEMO_SECOND_PRODUCTS = [
  {
    title: 'Kopi Toraja Kalosi 200 g',
    handle: 'kopi-toraja-200',
    categories: ['kopi', 'minuman'],
    price: 72_000,
    stock: 30,
    description: 'Biji kopi arabika Toraja, sangrai gelap.',
  },
  {
    title: 'Bumbu Rendang Padang',
    handle: 'bumbu-rendang',
    categories: ['bumbu', 'dapur'],
    price: 25_000,
    stock: 60,
    description: 'Bumbu rendang kering untuk satu kilo daging.',
  },
];

/**
 * Shipping of both demo stores, so that a demo cart can be quoted and checked out: a flat rate with
 * a dearer zone for Papua, and a table by weight. A store that never saved settings offers nothing.
 */
export const DEMO_SHIPPING = {
  currency: 'IDR',
  flatRate: {
    name: 'Kirim rata',
    amount: 15_000,
    estimatedDays: { min: 2, max: 4 },
    zones: [{ name: 'Papua', provinces: ['Papua'], postalCodePrefixes: ['99'], amount: 30_000 }],
  },
  weightTable: {
    name: 'Menurut berat',
    brackets: [
      { upToGrams: 1_000, amount: 10_000 },
      { upToGrams: 5_000, amount: 22_000 },
      { upToGrams: 20_000, amount: 45_000 },
    ],
  },
  biteship: null,
};

/**
 * Service options for a `--demo` run: auth grants the admin role to the demo admin's email when
 * the account is created (its `adminEmails` option), so the seed can register it like anyone else.
 */
export function withDemoAdmin(serviceOptions: Record<string, unknown>): Record<string, unknown> {
  const auth = (serviceOptions.auth ?? {}) as { adminEmails?: string[] };
  const admins = DEMO_USERS.filter((user) => user.role === 'admin').map((user) => user.email);
  return { ...serviceOptions, auth: { ...auth, adminEmails: [...(auth.adminEmails ?? []), ...admins] } };
}

/** One demo store as {@link seedDemo} left it. */
export interface DemoStoreResult {
  handle: string;
  products: number;
  status: 'created' | 'existing';
}

/** What {@link seedDemo} did. */
export interface DemoSeedResult {
  users: Array<DemoUser & { status: 'created' | 'existing' }>;
  /** The demo stores, when the merchant and inventory services run in this process. */
  stores?: DemoStoreResult[];
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
  const loaded = new Set(server.plugins.map((plugin) => plugin.name));
  if (!loaded.has('merchant') || !loaded.has('inventory')) return { users };
  const withShipping = loaded.has('shipping');
  return {
    users,
    stores: [
      await seedDemoStore(server, DEMO_STORE, DEMO_PRODUCTS, withShipping),
      await seedDemoStore(server, DEMO_SECOND_STORE, DEMO_SECOND_PRODUCTS, withShipping),
    ],
  };
}

/**
 * One of the merchant's stores and its products, created once; a store found again keeps its
 * products. Shipping is saved when the store has never saved any (a store made by an older demo
 * had none), and never overwrites what the merchant changed.
 */
async function seedDemoStore(
  server: Pick<RunningServer, 'client'>,
  store: typeof DEMO_STORE,
  products: typeof DEMO_PRODUCTS,
  withShipping: boolean,
): Promise<DemoStoreResult> {
  const merchant = DEMO_USERS.find((user) => user.role === 'merchant') as DemoUser;
  const client = server.client();
  await client.auth.login({ body: { email: merchant.email, password: merchant.password } });
  let storeId: string;
  let status: DemoStoreResult['status'] = 'created';
  try {
    storeId = (await client.merchant.createStore({ body: store })).id;
  } catch (error) {
    if (!isConflict(error)) throw error;
    storeId = (await client.merchant.getStoreByHandle({ params: { handle: store.handle } })).id;
    status = 'existing';
  }
  // The store session makes every following call act inside the store.
  await client.auth.selectStore({ body: { storeId } });
  if (status === 'created') {
    for (const product of products) {
      await client.inventory.createProduct({
        body: {
          title: product.title,
          handle: product.handle,
          description: product.description,
          categories: product.categories,
          status: 'active',
          variants: [{ sku: product.handle.toUpperCase(), price: rupiah(product.price), weight: 500, stockOnHand: product.stock }],
        },
      });
    }
  }
  if (withShipping && (await client.shipping.getShippingSettings()).updatedAt === null) {
    await client.shipping.updateShippingSettings({ body: DEMO_SHIPPING });
  }
  return { handle: store.handle, products: products.length, status };
}

// The SDK throws errors carrying the problem+json body; 409 is "that e-mail address is taken".
function isConflict(error: unknown): boolean {
  const failure = error as { status?: number; problem?: { status?: number } } | null;
  return failure?.status === 409 || failure?.problem?.status === 409;
}
