import { eventTypes } from '@tokobapak/sdk';
import { decodeCursorMatching, newId, type Page, type PluginContext, toPage, type UploadedFile } from '@tokobapak/server';
import { type Kysely, sql } from 'kysely';
import type { ImageProxyDatabase } from './database.js';
import { imageProxyErrors } from './errors.js';
import type { ImageProxyEvents } from './generated/manifest.js';
import type { ImageRow } from './mappers.js';
import type { ImageProxySettings } from './options.js';
import type { RenderBudget } from './render-budget.js';
import { decodesCompletely, detectImage } from './renderer.js';

type Context = Pick<PluginContext<ImageProxyDatabase, ImageProxyEvents>, 'db' | 'transaction' | 'clock' | 'log'>;

/**
 * Checks and stores an upload for a store: size first (cheapest), then what the bytes really are,
 * then the pixel dimensions and area from the header, so a decompression bomb is refused before it
 * is decoded; then a full decode within the render budget, so a truncated image is refused here
 * rather than failing every render later; then the store's quota.
 */
export async function uploadImage(ctx: Context, settings: ImageProxySettings, budget: RenderBudget, storeId: string, file: UploadedFile): Promise<ImageRow> {
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
  const area = detected.width * detected.height;
  if (area > settings.maxPixels) {
    throw imageProxyErrors.IMAGE_DIMENSIONS_TOO_LARGE(
      `The image is ${detected.width}×${detected.height} = ${area} pixels; at most ${settings.maxPixels} pixels are accepted`,
    );
  }
  if (!(await budget.run(() => decodesCompletely(file.bytes, settings.maxPixels), area))) {
    throw imageProxyErrors.IMAGE_CORRUPT('The image data is truncated or damaged; upload the complete file');
  }

  const id = newId('img');
  const blobKey = `originals/${id}`;
  const { etag } = await settings.blobs.put(blobKey, file.bytes, detected.contentType);
  try {
    return await ctx.transaction(async (tx) => {
      await checkQuota(tx.db, settings, storeId, size);
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
      await tx.publish({
        type: eventTypes.imageProxy.imageUploaded,
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

/** Key class of the per-store advisory lock that makes the quota check and the insert one step. */
const QUOTA_LOCK_CLASS = 7_301_001;

/**
 * Refuses an upload of `size` bytes that would take the store past its image count or bytes. Runs in
 * the upload's transaction after a per-store transaction lock, so parallel uploads cannot each see
 * room for one more and together overshoot.
 */
async function checkQuota(db: Kysely<ImageProxyDatabase>, settings: ImageProxySettings, storeId: string, size: number): Promise<void> {
  await sql`select pg_advisory_xact_lock(${sql.lit(QUOTA_LOCK_CLASS)}, hashtext(${storeId}))`.execute(db);
  const usage = await db
    .selectFrom('images')
    .select((eb) => [eb.fn.countAll<string | number>().as('images'), eb.fn.coalesce(eb.fn.sum<string | number>('bytes'), sql<number>`0`).as('bytes')])
    .where('store_id', '=', storeId)
    .executeTakeFirstOrThrow();
  const images = Number(usage.images);
  const bytes = Number(usage.bytes);
  if (images + 1 > settings.maxImagesPerStore) {
    throw imageProxyErrors.IMAGE_QUOTA_EXCEEDED(`The store has ${images} images, the most it may keep; delete some first`);
  }
  if (bytes + size > settings.maxBytesPerStore) {
    throw imageProxyErrors.IMAGE_QUOTA_EXCEEDED(
      `The store keeps ${bytes} bytes of images; this one (${size} bytes) would pass its ${settings.maxBytesPerStore}; delete some first`,
    );
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
    await tx.publish({ type: eventTypes.imageProxy.imageDeleted, subject: imageId, data: { imageId, storeId } });
    return [image.blob_key, ...variants.map((variant) => variant.blob_key)];
  });
  for (const key of keys) {
    await settings.blobs.delete(key).catch((error: unknown) => ctx.log.warn({ err: error, key }, 'image-proxy: could not delete a blob'));
  }
}
