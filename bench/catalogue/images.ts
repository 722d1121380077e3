/**
 * The image side of the catalogue bench: a generated ~1600×1200 JPEG (sharp, from a seeded
 * pattern, so every run uploads the same bytes), its multipart upload with the store session, and
 * the first-render latency of a few variants, measured one after the other.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { signVariantUrl } from '@tokobapak/plugin-image-proxy';
import { prng } from './generate.js';

// sharp is a dependency of the image-proxy plugin, not of the workspace root: resolve it from there.
type SharpFactory = (
  input: Buffer,
  options: { raw: { width: number; height: number; channels: 3 } },
) => { jpeg(options: { quality: number }): { toBuffer(): Promise<Buffer> } };
const sharp = createRequire(new URL('../../packages/plugins/image-proxy/package.json', import.meta.url))('sharp') as SharpFactory;

/** A photo-like JPEG: smooth gradients, a few shapes and a little noise, quality 85. */
export async function generateJpeg(width = 1600, height = 1200, seed = 7): Promise<Buffer> {
  const random = prng(seed);
  const pixels = Buffer.alloc(width * height * 3);
  const blobs = Array.from({ length: 12 }, () => ({
    x: random() * width,
    y: random() * height,
    r: 80 + random() * 300,
    c: [random() * 255, random() * 255, random() * 255],
  }));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = (x / width) * 200 + 30;
      let g = (y / height) * 180 + 40;
      let b = ((x + y) / (width + height)) * 160 + 60;
      for (const blob of blobs) {
        const d = Math.hypot(x - blob.x, y - blob.y);
        if (d < blob.r) {
          const w = 1 - d / blob.r;
          r = r * (1 - w) + (blob.c[0] as number) * w;
          g = g * (1 - w) + (blob.c[1] as number) * w;
          b = b * (1 - w) + (blob.c[2] as number) * w;
        }
      }
      const noise = (random() - 0.5) * 24;
      const at = (y * width + x) * 3;
      pixels[at] = Math.max(0, Math.min(255, r + noise));
      pixels[at + 1] = Math.max(0, Math.min(255, g + noise));
      pixels[at + 2] = Math.max(0, Math.min(255, b + noise));
    }
  }
  return sharp(pixels, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 85 })
    .toBuffer();
}

/** `POST /image-proxy/images` as multipart (the SDK sends JSON bodies only, see docs/services/image-proxy.md). */
export async function uploadImage(baseUrl: string, storeToken: string, jpeg: Buffer): Promise<string> {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(jpeg)], { type: 'image/jpeg' }), 'bench.jpg');
  const response = await fetch(`${baseUrl}/image-proxy/images`, { method: 'POST', body: form, headers: { authorization: `Bearer ${storeToken}` } });
  const body = (await response.json()) as { id?: string };
  if (response.status !== 201 || !body.id) throw new Error(`upload: ${response.status} ${JSON.stringify(body)}`);
  return body.id;
}

export interface RenderTiming {
  variant: string;
  /** The first request: read the original, render, store. */
  firstMs: number;
  /** The same request again: served from storage. */
  cachedMs: number;
  bytes: number;
  contentType: string;
}

/** Variants whose first render is timed: the four presets and two signed custom ones. */
export function variantPaths(imageId: string, signingKey: string): Array<{ variant: string; path: string }> {
  const base = `/image-proxy/images/${imageId}/variants`;
  return [
    { variant: 'thumb', path: `${base}/thumb` },
    { variant: 'card', path: `${base}/card` },
    { variant: 'detail', path: `${base}/detail` },
    { variant: 'og', path: `${base}/og` },
    { variant: 'custom w=640 webp (signed)', path: signVariantUrl({ imageId, params: { w: 640 }, signingKey }) },
    { variant: 'custom w=800 h=800 avif (signed)', path: signVariantUrl({ imageId, params: { w: 800, h: 800, format: 'avif' }, signingKey }) },
  ];
}

/** Times each variant's first request, then a second one, sequentially. */
export async function timeFirstRenders(baseUrl: string, imageId: string, signingKey: string): Promise<RenderTiming[]> {
  const timings: RenderTiming[] = [];
  for (const { variant, path } of variantPaths(imageId, signingKey)) {
    const get = async () => {
      const started = performance.now();
      const response = await fetch(`${baseUrl}${path}`);
      const bytes = Buffer.from(await response.arrayBuffer());
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`${variant}: ${response.status} ${bytes.toString('utf8').slice(0, 200)}`);
      return { ms, bytes: bytes.length, contentType: response.headers.get('content-type') ?? '' };
    };
    const first = await get();
    const cached = await get();
    timings.push({ variant, firstMs: first.ms, cachedMs: cached.ms, bytes: first.bytes, contentType: first.contentType });
  }
  return timings;
}

/** The ETag of a variant (for the 304 scenario). */
export async function variantEtag(baseUrl: string, path: string): Promise<string> {
  const response = await fetch(`${baseUrl}${path}`);
  await response.arrayBuffer();
  const etag = response.headers.get('etag');
  if (response.status !== 200 || !etag) throw new Error(`etag: ${response.status}`);
  const check = await fetch(`${baseUrl}${path}`, { headers: { 'if-none-match': etag } });
  await check.arrayBuffer();
  if (check.status !== 304) throw new Error(`If-None-Match answered ${check.status}, not 304`);
  return etag;
}
