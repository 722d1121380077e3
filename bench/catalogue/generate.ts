/**
 * A deterministic catalogue: `generateProducts(n, seed)` always gives the same products. Titles and
 * descriptions come from a small vocabulary, so every search word has many hits (as real shop
 * catalogues do); ~50 categories; 1–3 variants; about one product in ten sold out.
 */

/** mulberry32: a small seeded PRNG (no dependency, same sequence everywhere). */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const CATEGORIES = [
  'kopi',
  'teh',
  'camilan',
  'bumbu-dapur',
  'beras',
  'minyak-goreng',
  'mie-instan',
  'susu',
  'roti',
  'kue-kering',
  'sambal',
  'kecap',
  'madu',
  'gula',
  'tepung',
  'rempah',
  'buah-kering',
  'kacang',
  'cokelat',
  'permen',
  'batik',
  'kaos',
  'kemeja',
  'celana',
  'sarung',
  'hijab',
  'sepatu',
  'sandal',
  'tas',
  'dompet',
  'jam-tangan',
  'kacamata',
  'topi',
  'kaus-kaki',
  'jaket',
  'perhiasan',
  'sabun',
  'sampo',
  'skincare',
  'parfum',
  'alat-dapur',
  'piring',
  'gelas',
  'panci',
  'sendok',
  'lampu',
  'bantal',
  'sprei',
  'tanaman',
  'mainan',
] as const;

const ADJECTIVES = [
  'asli',
  'premium',
  'organik',
  'segar',
  'murah',
  'spesial',
  'klasik',
  'modern',
  'tradisional',
  'lokal',
  'wangi',
  'pedas',
  'manis',
  'gurih',
  'lembut',
  'kuat',
  'ringan',
  'besar',
  'kecil',
  'praktis',
];
const ORIGINS = [
  'gayo',
  'toraja',
  'kintamani',
  'flores',
  'bandung',
  'jogja',
  'solo',
  'garut',
  'bali',
  'medan',
  'aceh',
  'lombok',
  'malang',
  'pekalongan',
  'padang',
];
const NOUNS = ['pilihan', 'kemasan', 'hadiah', 'keluarga', 'harian', 'edisi', 'koleksi', 'paket', 'isi', 'ukuran'];
const FILLER = [
  'dan',
  'untuk',
  'dengan',
  'dari',
  'yang',
  'cocok',
  'setiap',
  'hari',
  'kualitas',
  'terbaik',
  'dibuat',
  'oleh',
  'pengrajin',
  'petani',
  'dikirim',
  'cepat',
  'aman',
  'rapi',
  'tahan',
  'lama',
];

/** Words searched for: each appears in many titles or descriptions. */
export const SEARCH_WORDS: string[] = [...ADJECTIVES, ...ORIGINS, ...CATEGORIES.slice(0, 15).map((category) => category.split('-')[0] as string)];

/**
 * Two-word searches, as shoppers type them: an adjective or a category with a place of origin
 * (`premium gayo`, `kopi toraja`). Each word alone is in thousands of products; both together in a
 * few hundred titles and thousands of descriptions.
 */
export const TWO_WORD_SEARCHES: string[] = [
  ...ADJECTIVES.map((adjective, i) => `${adjective} ${ORIGINS[i % ORIGINS.length]}`),
  ...ADJECTIVES.map((adjective, i) => `${ORIGINS[(i + 7) % ORIGINS.length]} ${adjective}`),
  ...CATEGORIES.slice(0, 10).map((category, i) => `${category.split('-')[0]} ${ORIGINS[(i * 2) % ORIGINS.length]}`),
];

const SIZES = [
  ['250 g', '500 g', '1 kg'],
  ['S', 'M', 'L'],
  ['Merah', 'Hitam', 'Putih'],
];

/** One product as `importProducts` takes it (the `ProductInput` shape). */
export interface GeneratedProduct {
  handle: string;
  title: string;
  description: string;
  categories: string[];
  options: Array<{ name: string; values: string[] }>;
  variants: Array<{
    sku: string;
    title: null;
    optionValues?: Record<string, string>;
    price: { amount: number; currency: 'IDR' };
    weight: number;
    stockOnHand: number;
  }>;
  status: 'active';
}

export function generateProducts(count: number, seed = 20261124): GeneratedProduct[] {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const products: GeneratedProduct[] = [];
  for (let i = 0; i < count; i++) {
    const category = pick(CATEGORIES);
    const second = random() < 0.3 ? pick(CATEGORIES) : undefined;
    const categories = second && second !== category ? [category, second] : [category];
    const words = [category.replace('-', ' '), pick(ADJECTIVES), pick(ORIGINS), pick(NOUNS)];
    const title = words.map((word) => word[0]?.toUpperCase() + word.slice(1)).join(' ');
    const description = Array.from({ length: int(15, 35) }, () => (random() < 0.5 ? pick(FILLER) : random() < 0.5 ? pick(ADJECTIVES) : pick(ORIGINS))).join(
      ' ',
    );
    const variantCount = int(1, 3);
    const soldOut = random() < 0.1;
    const base = int(10, 2_000) * 1_000; // IDR 10,000 – 2,000,000 (minor units)
    const axis = pick(SIZES);
    const options = variantCount > 1 ? [{ name: 'Pilihan', values: axis.slice(0, variantCount) }] : [];
    const handle = `${category}-${words[1]}-${words[2]}-${i}`;
    const variants = Array.from({ length: variantCount }, (_, v) => ({
      sku: `SKU-${i}-${v}`,
      title: null,
      ...(variantCount > 1 ? { optionValues: { Pilihan: axis[v] as string } } : {}),
      price: { amount: base + v * 5_000, currency: 'IDR' as const },
      weight: int(100, 3_000),
      stockOnHand: soldOut ? 0 : int(1, 500),
    }));
    products.push({ handle, title, description, categories, options, variants, status: 'active' });
  }
  return products;
}
