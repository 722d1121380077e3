import { crc32 } from 'node:zlib';
import { expectProblemResponse, storeToken } from '@tokobapak/server/testing';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createMemoryBlobStore } from '../src/index.js';
import { colouredPng, type ImageProxyTestServer, STORE_A, STORE_B, startImageProxy, upload, uploadOk } from './support.js';

// Issue 8, items 3 and 7: images whose decoding takes far more memory than their size suggests,
// truncated images, stores uploading without end, and originals that fail every render.

/** A progressive JPEG whose header claims `width`×`height` (its frame header patched), as a decompression bomb would. */
async function jpegClaiming(width: number, height: number): Promise<Buffer> {
  const bytes = Buffer.from(
    await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c87828' } })
      .jpeg({ progressive: true })
      .toBuffer(),
  );
  for (let i = 2; i < bytes.length - 8; i += 1) {
    // SOF2 (progressive DCT): length(2), precision(1), height(2), width(2).
    if (bytes[i] === 0xff && bytes[i + 1] === 0xc2) {
      bytes.writeUInt16BE(height, i + 5);
      bytes.writeUInt16BE(width, i + 7);
      return bytes;
    }
  }
  throw new Error('no SOF2 marker');
}

/** A PNG chunk with its CRC. */
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A valid PNG header declaring 4000×4000, then ten bytes of pixel data. */
async function truncatedPng(): Promise<Buffer> {
  const png = await sharp({ create: { width: 4000, height: 4000, channels: 3, background: '#888888' } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  // Signature (8) and IHDR (25) are kept; the image data is not.
  return Buffer.concat([png.subarray(0, 33), chunk('IDAT', Buffer.alloc(10)), chunk('IEND', Buffer.alloc(0))]);
}

async function halfJpeg(): Promise<Buffer> {
  const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .jpeg()
    .toBuffer();
  return jpeg.subarray(0, jpeg.length >> 1);
}

describe('uploads', () => {
  let t: ImageProxyTestServer;
  beforeAll(async () => {
    t = await startImageProxy({ maxImagesPerStore: 3, maxBytesPerStore: 10 * 1024 * 1024 });
  });
  afterAll(async () => {
    await t?.close();
  });

  test('a 12000×12000 JPEG is refused by its pixel area before it is decoded', async () => {
    const response = await upload(t.server, await jpegClaiming(12000, 12000), STORE_A, 'bomb.jpg', 'image/jpeg');
    expectProblemResponse(response, 422, 'IMAGE_DIMENSIONS_TOO_LARGE');
    expect(response.json().detail).toContain('at most 50000000 pixels');
  });

  test('a PNG header declaring 4000×4000 with ten bytes of data is refused as corrupt', async () => {
    expectProblemResponse(await upload(t.server, await truncatedPng(), STORE_B), 422, 'IMAGE_CORRUPT');
  });

  test('a JPEG cut in half is refused as corrupt', async () => {
    expectProblemResponse(await upload(t.server, await halfJpeg(), STORE_B, 'half.jpg', 'image/jpeg'), 422, 'IMAGE_CORRUPT');
  });

  test('a store may keep maxImagesPerStore images; parallel uploads cannot overshoot; deleting makes room', async () => {
    const png = await colouredPng(64, 48);
    const responses = await Promise.all(Array.from({ length: 6 }, () => upload(t.server, png, STORE_A)));
    expect(responses.map((response) => response.statusCode).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expectProblemResponse(responses.find((response) => response.statusCode === 409) as (typeof responses)[0], 409, 'IMAGE_QUOTA_EXCEEDED');
    // Another store's quota is its own.
    await uploadOk(t.server, png, STORE_B);

    const kept = responses.find((response) => response.statusCode === 201)?.json().id as string;
    const deleted = await t.server.app.inject({
      method: 'DELETE',
      url: `/image-proxy/images/${kept}`,
      headers: { authorization: `Bearer ${storeToken(t.server, STORE_A)}` },
    });
    expect(deleted.statusCode).toBe(204);
    await uploadOk(t.server, png, STORE_A);
  });
});

test('a store may keep maxBytesPerStore bytes of originals', async () => {
  const png = await colouredPng(64, 48);
  const t = await startImageProxy({ maxBytesPerStore: png.length * 2 + 1 });
  try {
    await uploadOk(t.server, png, STORE_A);
    await uploadOk(t.server, png, STORE_A);
    const refused = await upload(t.server, png, STORE_A);
    expectProblemResponse(refused, 409, 'IMAGE_QUOTA_EXCEEDED');
    expect(refused.json().detail).toContain(`its ${png.length * 2 + 1}`);
  } finally {
    await t.close();
  }
});

test('an original that cannot be decoded is decoded once, then refused at once on every request', async () => {
  const blobs = createMemoryBlobStore();
  const t = await startImageProxy({ blobStore: blobs });
  try {
    const imageId = await uploadOk(t.server);
    // Damaged in storage after upload (or stored before uploads were decoded in full).
    await blobs.put(`originals/${imageId}`, await truncatedPng(), 'image/png');
    const first = await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${imageId}/variants/thumb` });
    expectProblemResponse(first, 422, 'IMAGE_UNRENDERABLE');
    expect(t.renders()).toBe(1);
    for (const variant of ['thumb', 'card', 'detail', 'og', 'thumb']) {
      expectProblemResponse(await t.server.app.inject({ method: 'GET', url: `/image-proxy/images/${imageId}/variants/${variant}` }), 422, 'IMAGE_UNRENDERABLE');
    }
    expect(t.renders()).toBe(1);
  } finally {
    await t.close();
  }
});
