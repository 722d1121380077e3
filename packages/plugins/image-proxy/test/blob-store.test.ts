import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BlobStore, createLocalBlobStore, createMemoryBlobStore, createS3BlobStore } from '../src/index.js';

/** The behaviour every blob store shares; each store below runs it. */
function blobStoreContract(name: string, open: () => Promise<{ store: BlobStore; close: () => Promise<void> }>, skip: string | false = false): void {
  describe.skipIf(skip !== false)(`${name} blob store${skip ? ` (skipped: ${skip})` : ''}`, () => {
    let store: BlobStore;
    let close: () => Promise<void>;
    const prefix = `contract-${Date.now().toString(36)}`;
    beforeAll(async () => {
      ({ store, close } = await open());
    });
    afterAll(async () => {
      await close?.();
    });

    it('stores, reads back, replaces and deletes an object', async () => {
      const key = `${prefix}/originals/img_1`;
      expect(await store.get(key)).toBeNull();
      expect(await store.exists(key)).toBe(false);
      const first = await store.put(key, Buffer.from('first bytes'), 'image/png');
      expect(first.etag).not.toBe('');
      expect(await store.exists(key)).toBe(true);
      const read = await store.get(key);
      expect(read?.bytes.toString()).toBe('first bytes');
      expect(read?.contentType).toBe('image/png');
      expect(read?.etag).toBe(first.etag);

      const second = await store.put(key, Buffer.from('second bytes'), 'image/webp');
      expect(second.etag).not.toBe(first.etag);
      expect((await store.get(key))?.contentType).toBe('image/webp');

      await store.delete(key);
      expect(await store.get(key)).toBeNull();
      expect(await store.exists(key)).toBe(false);
      await store.delete(key);
    });

    it('keeps binary content intact', async () => {
      const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256));
      await store.put(`${prefix}/binary`, bytes, 'application/octet-stream');
      expect(Buffer.compare((await store.get(`${prefix}/binary`))?.bytes ?? Buffer.alloc(0), bytes)).toBe(0);
      await store.delete(`${prefix}/binary`);
    });

    it('refuses keys that could escape or be ambiguous', async () => {
      for (const key of ['../etc/passwd', 'a/../b', '/absolute', 'a//b', 'space here', '']) {
        await expect(store.put(key, Buffer.from('x'), 'text/plain'), key).rejects.toThrow('Invalid blob key');
      }
    });
  });
}

blobStoreContract('memory', async () => ({ store: createMemoryBlobStore(), close: async () => {} }));

blobStoreContract('local', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'blob-store-'));
  return { store: createLocalBlobStore(dir), close: () => rm(dir, { recursive: true, force: true }) };
});

// No S3-compatible server runs here; point S3_URL (+ S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY, S3_REGION) at one, e.g. MinIO.
const s3Url = process.env.S3_URL;
blobStoreContract(
  'S3',
  async () => {
    const store = createS3BlobStore({
      endpoint: s3Url as string,
      bucket: process.env.S3_BUCKET ?? 'tokobapak-test',
      region: process.env.S3_REGION ?? 'us-east-1',
      forcePathStyle: true,
      ...(process.env.S3_ACCESS_KEY_ID && process.env.S3_SECRET_ACCESS_KEY
        ? { credentials: { accessKeyId: process.env.S3_ACCESS_KEY_ID, secretAccessKey: process.env.S3_SECRET_ACCESS_KEY } }
        : {}),
    });
    return { store, close: async () => store.client.destroy() };
  },
  s3Url ? false : 'S3_URL is not set',
);
