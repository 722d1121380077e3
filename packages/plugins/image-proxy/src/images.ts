import { decodeCursorMatching, newId, type Page, type PluginContext, toPage, type UploadedFile } from '@tokobapak/server';
import type { Kysely } from 'kysely';
import type { ImageProxyDatabase } from './database.js';
import { imageProxyErrors } from './errors.js';
import { IMAGE_PROXY_EVENTS, type ImageDeletedData, type ImageUploadedData } from './events.js';
import type { ImageRow } from './mappers.js';
import type { ImageProxySettings } from './options.js';
import { detectImage } from './renderer.js';

type Context = Pick<PluginContext<ImageProxyDatabase>, 'db' | 'transaction' | 'clock' | 'log'>;

/**
 * Checks and stores an upload for a store: size first (cheapest), then what the bytes really are,
 * then the pixel dimensions from the header, so a decompression bomb is refused before it is decoded.
 */
export async function uploadImage(ctx: Context, settings: ImageProxySettings, storeId: string, file: UploadedFile): Promise<ImageRow> {
  const size = file.bytes.length;
  if (size > settings.maxUploadBytes) throw imageProxyErrors.IMAGE_TOO_LARGE(`The file has ${size} bytes; at most ${settings.maxUploadBytes} are accepted`);
  if (size === 0) throw imageProxyErrors.IMAGE_UNSUPPORTED_TYPE('The file is empty');
  const detected = await detectImage(file.bytes);
  if (!detected) throw imageProxyErrors.IMAGE_UNSUPPORTED_TYPE('Only JPEG, PNG, WebP, AVIF and GIF images are accepted, judged by their content');
  if (detected.width > settings.maxDimension || detected.height > settings.maxDimension) {
    throw imageProxyErrors.IMAGE_DIMENSIONS_TOO_LARGE(
      `The image is ${detected.width}×${detected.height} pixels; at most ${settings.maxDimension}×${settings.maxDimension} are accepted`,
    );
  }

  const id = newId('img');
  const blobKey = `originals/${id}`;
  const { etag } = await settings.blobs.put(blobKey, file.bytes, detected.contentType);
  try {
    return await ctx.transaction(async (tx) => {
      const row = await tx.db
        .insertInto('images')
        .values({
          id,
          store_id: storeId,
          content_type: detected.contentType,
          width: detected.width,
          height: detected.height,
          bytes: size,
          blob_key: blobKey,
          etag,
          created_at: ctx.clock.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.publish<ImageUploadedData>({
        type: IMAGE_PROXY_EVENTS.imageUploaded,
        subject: id,
        data: { imageId: id, storeId, contentType: detected.contentType, width: detected.width, height: detected.height, bytes: size },
      });
      return row;
    });
  } catch (error) {
    // The row never existed, so nothing refers to the blob.
    await settings.blobs.delete(blobKey).catch(() => undefined);
    throw error;
  }
}

/** An image by id, or `IMAGE_NOT_FOUND`. */
export async function requireImage(db: Kysely<ImageProxyDatabase>, imageId: string): Promise<ImageRow> {
  const row = await db.selectFrom('images').selectAll().where('id', '=', imageId).executeTakeFirst();
  if (!row) throw imageProxyErrors.IMAGE_NOT_FOUND();
  return row;
}

const IMAGE_ID = /^img_[0-9a-z]{26}$/;

/**
 * One page of a store's images, newest first. Keyset over the id (a ULID, so creation order) within
 * the store, on the `(store_id, id)` index: a page never repeats or skips a row, however many there are.
 */
export async function listStoreImages(
  db: Kysely<ImageProxyDatabase>,
  storeId: string,
  query: { cursor?: string | undefined; limit?: number | undefined },
): Promise<Page<ImageRow>> {
  const limit = query.limit ?? 20;
  const after = decodeCursorMatching(query.cursor, IMAGE_ID);
  let select = db.selectFrom('images').selectAll().where('store_id', '=', storeId);
  if (after !== undefined) select = select.where('id', '<', after);
  const rows = await select
    .orderBy('id', 'desc')
    .limit(limit + 1)
    .execute();
  return toPage(
    rows,
    limit,
    (row) => row.id,
    (row) => row,
  );
}

/**
 * Deletes one of a store's images. The rows go in one transaction with the event; the blobs
 * afterwards, since storage cannot join the transaction. A blob that fails to go is logged and
 * left behind: nothing refers to it any more.
 */
export async function deleteImage(ctx: Context, settings: ImageProxySettings, storeId: string, imageId: string): Promise<void> {
  const keys = await ctx.transaction(async (tx) => {
    const image = await tx.db.deleteFrom('images').where('id', '=', imageId).where('store_id', '=', storeId).returning('blob_key').executeTakeFirst();
    // Another store's image answers exactly like a missing one.
    if (!image) throw imageProxyErrors.IMAGE_NOT_FOUND();
    const variants = await tx.db.deleteFrom('variants').where('image_id', '=', imageId).returning('blob_key').execute();
    await tx.db.deleteFrom('sold_out_images').where('image_id', '=', imageId).execute();
    await tx.publish<ImageDeletedData>({ type: IMAGE_PROXY_EVENTS.imageDeleted, subject: imageId, data: { imageId, storeId } });
    return [image.blob_key, ...variants.map((variant) => variant.blob_key)];
  });
  for (const key of keys) {
    await settings.blobs.delete(key).catch((error: unknown) => ctx.log.warn({ err: error, key }, 'image-proxy: could not delete a blob'));
  }
}
