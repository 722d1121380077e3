import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePlugin, type NewEvent, type Plugin, type PluginContext } from '@tokobapak/server';
import { createTestServer, storeToken, type TestServer } from '@tokobapak/server/testing';
import sharp, { type OutputInfo } from 'sharp';
import { expect } from 'vitest';
import { type BlobStore, createLocalBlobStore, type ImageProxyPluginOptions, imageProxyPlugin, renderVariant, type VariantRenderer } from '../src/index.js';

/** A test server running image-proxy with a local blob store in a temporary folder, plus an event publisher. */
export interface ImageProxyTestServer {
  server: TestServer;
  /** How many variants the renderer has rendered. */
  renders: () => number;
  /** The keys read from the blob store (`get`), in order, since the server started. */
  blobReads: () => string[];
  /** Publishes an event as the `inventory` stand-in would, and waits until every consumer has it. */
  publish: (event: NewEvent<unknown>) => Promise<void>;
  signingKey: string;
  close: () => Promise<void>;
}

export const SIGNING_KEY = 'test-signing-key-0123456789abcdefghijklmnop';

/** Test-only options of {@link startImageProxy}. */
export interface TestOptions {
  /** Each render waits this long first, to widen race windows. */
  slowRenderMs?: number;
  /** Each render waits for this first (a gate the test opens). */
  beforeRender?: () => Promise<void>;
}

/**
 * Starts image-proxy on a fresh database with a counting renderer and a local blob store whose
 * reads are recorded; `slowRenderMs` widens the race window.
 */
export async function startImageProxy(options: Partial<ImageProxyPluginOptions> & TestOptions = {}): Promise<ImageProxyTestServer> {
  const dir = await mkdtemp(join(tmpdir(), 'image-proxy-test-'));
  let renders = 0;
  const renderer: VariantRenderer = async (original, params) => {
    renders += 1;
    if (options.slowRenderMs) await new Promise((resolve) => setTimeout(resolve, options.slowRenderMs));
    await options.beforeRender?.();
    return renderVariant(original, params);
  };
  const { slowRenderMs: _slow, beforeRender: _before, ...pluginOptions } = options;
  const reads: string[] = [];
  const local = createLocalBlobStore(dir);
  const blobStore: BlobStore = {
    ...local,
    get(key) {
      reads.push(key);
      return local.get(key);
    },
  };
  let publisher: PluginContext<unknown> | undefined;
  // Stands in for inventory: a plugin with no operations whose context can publish events.
  const inventoryStandIn: Plugin = definePlugin<Record<string, never>, unknown>({
    name: 'inventory',
    summary: 'test stand-in that publishes stock events',
    spec: { openapi: '3.1.0', info: { title: 'stand-in', version: '0' }, paths: {} },
    handlers: {},
    migrations: {},
    async onStart(ctx) {
      publisher = ctx;
    },
  });
  const server = await createTestServer({
    plugins: [imageProxyPlugin({ blobStore, signingKey: SIGNING_KEY, renderer, ...pluginOptions }), inventoryStandIn],
  });
  return {
    server,
    renders: () => renders,
    blobReads: () => [...reads],
    signingKey: SIGNING_KEY,
    async publish(event) {
      if (!publisher) throw new Error('the stand-in has not started');
      await publisher.transaction((tx) => tx.publish(event));
      await server.relay.drain();
    },
    async close() {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export const STORE_A = 'sto_01jd2x7k9q3m4n5p6r7s8t9v0a';
export const STORE_B = 'sto_01jd2x7k9q3m4n5p6r7s8t9v0b';

/** A PNG with four coloured quadrants (red, green, blue, yellow), so greyscale and crops are visible. */
export async function colouredPng(width = 800, height = 600): Promise<Buffer> {
  const half = (w: number, h: number, colour: { r: number; g: number; b: number }) =>
    sharp({ create: { width: w, height: h, channels: 3, background: colour } })
      .png()
      .toBuffer();
  const w = Math.floor(width / 2);
  const h = Math.floor(height / 2);
  return sharp({ create: { width, height, channels: 3, background: { r: 255, g: 255, b: 0 } } })
    .composite([
      { input: await half(w, h, { r: 255, g: 0, b: 0 }), left: 0, top: 0 },
      { input: await half(width - w, h, { r: 0, g: 255, b: 0 }), left: w, top: 0 },
      { input: await half(w, height - h, { r: 0, g: 0, b: 255 }), left: 0, top: h },
    ])
    .removeAlpha()
    .png()
    .toBuffer();
}

/** A `multipart/form-data` body with one file field, as a browser's FormData would send it. */
export async function multipart(
  bytes: Buffer,
  filename = 'photo.png',
  contentType = 'image/png',
  field = 'file',
): Promise<{ payload: Buffer; headers: Record<string, string> }> {
  const form = new FormData();
  form.append(field, new Blob([new Uint8Array(bytes)], { type: contentType }), filename);
  const request = new Request('http://multipart.invalid', { method: 'POST', body: form });
  return { payload: Buffer.from(await request.arrayBuffer()), headers: { 'content-type': request.headers.get('content-type') ?? '' } };
}

/** The parts of an `inject()` response the tests read. */
export interface InjectResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  rawPayload: Buffer;
  json: () => any;
}

/** Uploads through HTTP as a store session; returns the raw response. */
export async function upload(server: TestServer, bytes: Buffer, storeId = STORE_A, filename?: string, contentType?: string): Promise<InjectResponse> {
  const body = await multipart(bytes, filename, contentType);
  return server.app.inject({
    method: 'POST',
    url: '/image-proxy/images',
    payload: body.payload,
    headers: { ...body.headers, authorization: `Bearer ${storeToken(server, storeId)}` },
  });
}

/** Uploads and returns the created image's id. */
export async function uploadOk(server: TestServer, bytes?: Buffer, storeId = STORE_A): Promise<string> {
  const response = await upload(server, bytes ?? (await colouredPng()), storeId);
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id as string;
}

/** Reads raw pixels of an encoded image. */
export async function pixels(bytes: Buffer): Promise<{ data: Buffer; info: OutputInfo }> {
  return sharp(bytes).raw().toBuffer({ resolveWithObject: true });
}

/** True when every sampled pixel's colour channels are equal (within 2, for lossy encoders). */
export function isGrey(data: Buffer, channels: number): boolean {
  if (channels <= 2) return true;
  for (let i = 0; i + 2 < data.length; i += channels * 7) {
    const [r = 0, g = 0, b = 0] = [data[i], data[i + 1], data[i + 2]];
    if (Math.abs(r - g) > 2 || Math.abs(g - b) > 2) return false;
  }
  return true;
}
