import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { assertBlobKey, type BlobStore } from './blob-store.js';

/** Where an S3-compatible bucket is and how to sign in to it. */
export interface S3BlobStoreOptions {
  /** The S3 API endpoint (`https://s3.ap-southeast-1.amazonaws.com`, `http://127.0.0.1:9000` for MinIO); AWS's default when omitted. */
  endpoint?: string;
  bucket: string;
  region?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** `bucket` in the path instead of the host name (MinIO, most self-hosted stores). */
  forcePathStyle?: boolean;
  /** Prepended to every key, to share a bucket (`images/`). */
  prefix?: string;
}

/**
 * A blob store in an S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, …).
 *
 * @example
 * const blobs = createS3BlobStore({ endpoint: 'http://127.0.0.1:9000', bucket: 'images', region: 'us-east-1',
 *   credentials: { accessKeyId: 'minio', secretAccessKey: 'minio-secret' }, forcePathStyle: true });
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore & { client: S3Client } {
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
    forcePathStyle: options.forcePathStyle ?? false,
  });
  const Bucket = options.bucket;
  const objectKey = (key: string): string => {
    assertBlobKey(key);
    return `${options.prefix ?? ''}${key}`;
  };
  return {
    client,
    async put(key, bytes, contentType) {
      const result = await client.send(new PutObjectCommand({ Bucket, Key: objectKey(key), Body: bytes, ContentType: contentType }));
      return { etag: unquote(result.ETag ?? '') };
    },
    async get(key) {
      try {
        const result = await client.send(new GetObjectCommand({ Bucket, Key: objectKey(key) }));
        const bytes = Buffer.from((await result.Body?.transformToByteArray()) ?? new Uint8Array());
        return { bytes, contentType: result.ContentType ?? 'application/octet-stream', etag: unquote(result.ETag ?? '') };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },
    async delete(key) {
      await client.send(new DeleteObjectCommand({ Bucket, Key: objectKey(key) }));
    },
    async exists(key) {
      try {
        await client.send(new HeadObjectCommand({ Bucket, Key: objectKey(key) }));
        return true;
      } catch (error) {
        if (isNotFound(error)) return false;
        throw error;
      }
    },
  };
}

function unquote(etag: string): string {
  return etag.replace(/^"|"$/g, '');
}

function isNotFound(error: unknown): boolean {
  const candidate = error as { name?: string; $metadata?: { httpStatusCode?: number } };
  return candidate?.name === 'NoSuchKey' || candidate?.name === 'NotFound' || candidate?.$metadata?.httpStatusCode === 404;
}
