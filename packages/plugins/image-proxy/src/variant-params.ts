/** How a variant fits the asked box (sharp's fit modes). */
export type Fit = 'cover' | 'contain' | 'inside' | 'outside' | 'fill';
/** The encodings a variant can have. */
export type VariantFormat = 'webp' | 'avif' | 'jpeg' | 'png';

/** The parameters of a `custom` variant as a client writes them; absent ones take their defaults. */
export interface VariantQuery {
  w?: number;
  h?: number;
  fit?: Fit;
  format?: VariantFormat;
  q?: number;
  grey?: 0 | 1;
}

/** A variant's parameters with every default applied: what is rendered, signed and cached. */
export interface VariantParams {
  width: number | null;
  height: number | null;
  fit: Fit;
  format: VariantFormat;
  quality: number;
  grey: boolean;
}

/** The named presets, which anyone may ask for without a signature. */
export const PRESETS = {
  thumb: { width: 160, height: 160, fit: 'cover', format: 'webp', quality: 75, grey: false },
  card: { width: 480, height: 480, fit: 'cover', format: 'webp', quality: 80, grey: false },
  detail: { width: 1200, height: 1200, fit: 'inside', format: 'webp', quality: 85, grey: false },
  og: { width: 1200, height: 630, fit: 'cover', format: 'jpeg', quality: 85, grey: false },
} as const satisfies Record<string, VariantParams>;

/** A preset's name. */
export type PresetName = keyof typeof PRESETS;

/** The largest `w` or `h` a custom variant may ask for. */
export const MAX_VARIANT_SIDE = 4000;

/** The content type of each output format. */
export const FORMAT_CONTENT_TYPES: Record<VariantFormat, string> = {
  webp: 'image/webp',
  avif: 'image/avif',
  jpeg: 'image/jpeg',
  png: 'image/png',
};

/** Applies the defaults (`fit=cover`, `format=webp`, `q=80`, `grey=0`) to a custom variant's query. */
export function resolveVariantQuery(query: VariantQuery): VariantParams {
  return {
    width: query.w ?? null,
    height: query.h ?? null,
    fit: query.fit ?? 'cover',
    format: query.format ?? 'webp',
    quality: query.q ?? 80,
    grey: query.grey === 1,
  };
}

/**
 * The canonical string a custom variant's signature covers: the image id and every parameter,
 * defaults applied, in a fixed order (`img_…:w=480&h=0&fit=cover&format=webp&q=80&grey=0`).
 */
export function canonicalVariantString(imageId: string, params: VariantParams): string {
  return `${imageId}:w=${params.width ?? 0}&h=${params.height ?? 0}&fit=${params.fit}&format=${params.format}&q=${params.quality}&grey=${params.grey ? 1 : 0}`;
}
