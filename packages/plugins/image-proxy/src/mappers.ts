import type { ImageProxyComponents } from '@tokobapak/sdk';
import type { Selectable } from 'kysely';
import type { ImageProxyDatabase } from './database.js';
import { PRESETS, type PresetName } from './variant-params.js';

/** An image as the API shows it. */
export type ImageResource = ImageProxyComponents['schemas']['Image'];
/** A row of `images` as read. */
export type ImageRow = Selectable<ImageProxyDatabase['images']>;

/** The API shape of an image row; URLs are absolute, under `baseUrl`. */
export function toImage(row: ImageRow, baseUrl: string): ImageResource {
  const base = `${baseUrl}/image-proxy/images/${row.id}`;
  const variantUrls = Object.fromEntries(Object.keys(PRESETS).map((name) => [name, `${base}/variants/${name}`])) as Record<PresetName, string>;
  return {
    id: row.id,
    storeId: row.store_id,
    contentType: row.content_type as ImageResource['contentType'],
    width: row.width,
    height: row.height,
    bytes: row.bytes,
    createdAt: new Date(row.created_at).toISOString(),
    url: `${base}/original`,
    variantUrls,
  };
}
