import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';

/** A stored object as read back. */
export interface Blob {
  bytes: Buffer;
  contentType: string;
  /** An opaque validator of the bytes (the store's own ETag, without quotes). */
  etag: string;
}

/**
 * Where originals and rendered variants live. Keys are `/`-separated paths of `[A-Za-z0-9._-]`
 * segments; `put` replaces what a key held.
 */
export interface BlobStore {
  /** Stores `bytes` under `key`; resolves to the stored object's etag. */
  put(key: string, bytes: Buffer, contentType: string): Promise<{ etag: string }>;
  /** The object under `key`, or `null` when there is none. */
  get(key: string): Promise<Blob | null>;
  /** Removes `key`; removing a missing key is not an error. */
  delete(key: string): Promise<void>;
  exists(key: string): Promise<boolean>;
}

const KEY = /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/;

/** Refuses keys that could leave the store's folder or mean different things to different stores. */
export function assertBlobKey(key: string): void {
  if (!KEY.test(key) || key.split('/').some((segment) => segment === '.' || segment === '..')) throw new Error(`Invalid blob key: ${key}`);
}

/** The etag both built-in stores give: the SHA-256 of the bytes, hex. */
export function contentEtag(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * A blob store in a local folder: each object is a file, with its content type and etag in a
 * `.meta.json` file beside it. Writes go to a temporary file first and are renamed into place, so a
 * reader never sees half an object.
 *
 * @example
 * const blobs = createLocalBlobStore('/var/lib/tokobapak/blobs');
 * await blobs.put('originals/img_01jd…', bytes, 'image/png');
 */
export function createLocalBlobStore(dir: string): BlobStore {
  const root = resolve(dir);
  const pathOf = (key: string): string => {
    assertBlobKey(key);
    const path = join(root, ...key.split('/'));
    if (!path.startsWith(root + sep)) throw new Error(`Invalid blob key: ${key}`);
    return path;
  };
  const writeAtomically = async (path: string, data: Buffer | string): Promise<void> => {
    const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    await writeFile(temporary, data);
    await rename(temporary, path);
  };
  return {
    async put(key, bytes, contentType) {
      const path = pathOf(key);
      await mkdir(dirname(path), { recursive: true });
      const etag = contentEtag(bytes);
      // Bytes first: a meta file never describes bytes that are not there yet.
      await writeAtomically(path, bytes);
      await writeAtomically(`${path}.meta.json`, JSON.stringify({ contentType, etag }));
      return { etag };
    },
    async get(key) {
      const path = pathOf(key);
      try {
        const [bytes, meta] = await Promise.all([readFile(path), readFile(`${path}.meta.json`, 'utf8')]);
        const { contentType, etag } = JSON.parse(meta) as { contentType: string; etag: string };
        return { bytes, contentType, etag };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
    async delete(key) {
      const path = pathOf(key);
      await rm(`${path}.meta.json`, { force: true });
      await rm(path, { force: true });
    },
    async exists(key) {
      try {
        await stat(`${pathOf(key)}.meta.json`);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    },
  };
}

/**
 * A blob store in memory, lost when the process ends: the default when no folder or bucket is
 * configured (like an in-memory database), and handy in tests.
 */
export function createMemoryBlobStore(): BlobStore {
  const objects = new Map<string, Blob>();
  return {
    async put(key, bytes, contentType) {
      assertBlobKey(key);
      const etag = contentEtag(bytes);
      objects.set(key, { bytes: Buffer.from(bytes), contentType, etag });
      return { etag };
    },
    async get(key) {
      assertBlobKey(key);
      const blob = objects.get(key);
      return blob ? { ...blob, bytes: Buffer.from(blob.bytes) } : null;
    },
    async delete(key) {
      assertBlobKey(key);
      objects.delete(key);
    },
    async exists(key) {
      assertBlobKey(key);
      return objects.has(key);
    },
  };
}
