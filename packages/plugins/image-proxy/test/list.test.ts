import type { ImageProxyComponents } from '@tokobapak/sdk';
import { expectProblemResponse, storeSession, storeToken } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colouredPng, type ImageProxyTestServer, STORE_A, STORE_B, startImageProxy, uploadOk } from './support.js';

type Image = ImageProxyComponents['schemas']['Image'];

describe('listStoreImages', () => {
  let t: ImageProxyTestServer;
  /** Ids in upload order (oldest first), per store. */
  const uploaded: Record<string, string[]> = { [STORE_A]: [], [STORE_B]: [] };
  const STORE_C = 'sto_01jd2x7k9q3m4n5p6r7s8t9v0c';

  beforeAll(async () => {
    t = await startImageProxy();
    const png = await colouredPng(16, 12);
    // Interleaved, so a filter or an ordering mistake would mix the stores' ids.
    for (const storeId of [STORE_A, STORE_B, STORE_A, STORE_A, STORE_B, STORE_A, STORE_B, STORE_A]) {
      uploaded[storeId]?.push(await uploadOk(t.server, png, storeId));
    }
  });
  afterAll(async () => {
    await t?.close();
  });

  const as = (storeId: string) => t.server.client({ accessToken: storeToken(t.server, storeId) });
  const newestFirst = (storeId: string) => [...(uploaded[storeId] ?? [])].reverse();
  const list = (query: string, storeId = STORE_A) =>
    t.server.app.inject({ method: 'GET', url: `/image-proxy/images${query}`, headers: { authorization: `Bearer ${storeToken(t.server, storeId)}` } });

  it("lists only the caller's store's images, newest first, each as getImage describes it", async () => {
    for (const storeId of [STORE_A, STORE_B]) {
      const page = await as(storeId).imageProxy.listStoreImages();
      expect(page.nextCursor).toBeNull();
      expect(page.items.map((image) => image.id)).toEqual(newestFirst(storeId));
      for (const image of page.items) {
        expect(image.storeId).toBe(storeId);
        expect(image).toEqual(await as(storeId).imageProxy.getImage({ params: { imageId: image.id } }));
      }
    }
  });

  it('answers an empty page to a store with no images', async () => {
    expect(await as(STORE_C).imageProxy.listStoreImages()).toEqual({ items: [], nextCursor: null });
  });

  it('pages with a small limit without repeating or skipping an image', async () => {
    for (const limit of [1, 2, 3, 5]) {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await as(STORE_A).imageProxy.listStoreImages({ query: { limit, ...(cursor ? { cursor } : {}) } });
        pages += 1;
        expect(page.items.length).toBeLessThanOrEqual(limit);
        seen.push(...page.items.map((image) => image.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor && pages < 20);
      expect(seen, `limit ${limit}`).toEqual(newestFirst(STORE_A));
      expect(pages).toBe(Math.ceil(newestFirst(STORE_A).length / limit));
    }
    const iterated: Image[] = [];
    for await (const image of as(STORE_B).imageProxy.listStoreImages.iterate({ query: { limit: 2 } })) iterated.push(image);
    expect(iterated.map((image) => image.id)).toEqual(newestFirst(STORE_B));
  });

  it('keeps paging consistent while images are uploaded and deleted', async () => {
    const storeId = 'sto_01jd2x7k9q3m4n5p6r7s8t9v0d';
    const png = await colouredPng(8, 8);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await uploadOk(t.server, png, storeId));
    const first = await as(storeId).imageProxy.listStoreImages({ query: { limit: 2 } });
    expect(first.items.map((image) => image.id)).toEqual([ids[3], ids[2]]);
    // A newer upload sorts before the cursor, so the pages already handed out stay as they are.
    const newer = await uploadOk(t.server, png, storeId);
    const second = await as(storeId).imageProxy.listStoreImages({ query: { limit: 2, cursor: first.nextCursor as string } });
    expect(second).toEqual({ items: [expect.objectContaining({ id: ids[1] }), expect.objectContaining({ id: ids[0] })], nextCursor: null });

    const removed = await t.server.app.inject({
      method: 'DELETE',
      url: `/image-proxy/images/${ids[1]}`,
      headers: { authorization: `Bearer ${storeToken(t.server, storeId)}` },
    });
    expect(removed.statusCode).toBe(204);
    const all = await as(storeId).imageProxy.listStoreImages();
    expect(all.items.map((image) => image.id)).toEqual([newer, ids[3], ids[2], ids[0]]);
  });

  it("never shows another store's images, even when given that store's cursor", async () => {
    const pageOfA = await as(STORE_A).imageProxy.listStoreImages({ query: { limit: 1 } });
    const withCursorOfA = await as(STORE_B).imageProxy.listStoreImages({ query: { cursor: pageOfA.nextCursor as string } });
    for (const image of withCursorOfA.items) expect(image.storeId).toBe(STORE_B);
    expect(withCursorOfA.items.map((image) => image.id)).toEqual(newestFirst(STORE_B).filter((id) => id < (uploaded[STORE_A]?.at(-1) as string)));
  });

  it('refuses a cursor it did not issue with a 400 problem', async () => {
    const forgedAfter = Buffer.from(JSON.stringify({ after: "' or 1=1 --" })).toString('base64url');
    for (const cursor of ['forged', 'eyJub3QiOiJhIGN1cnNvciJ9', forgedAfter, Buffer.from('{"after":42}').toString('base64url')]) {
      const response = await list(`?cursor=${cursor}`);
      expectProblemResponse(response, 400, 'BAD_REQUEST');
      expect(response.json().errors).toEqual([expect.objectContaining({ pointer: '#query/cursor' })]);
    }
    expectProblemResponse(await list('?cursor='), 400, 'VALIDATION_FAILED');
  });

  it('takes a limit between 1 and 100', async () => {
    expectProblemResponse(await list('?limit=0'), 400, 'VALIDATION_FAILED');
    expectProblemResponse(await list('?limit=101'), 400, 'VALIDATION_FAILED');
    expectProblemResponse(await list('?limit=lots'), 400, 'VALIDATION_FAILED');
    const hundred = await list('?limit=100');
    expect(hundred.statusCode).toBe(200);
    expect(hundred.json().items).toHaveLength(newestFirst(STORE_A).length);
  });

  it('needs a store session: anonymous is 401, a session without a store 403, any store role may list', async () => {
    expectProblemResponse(await t.server.app.inject({ method: 'GET', url: '/image-proxy/images' }), 401, 'UNAUTHENTICATED');
    // Authentication is checked before the query, so a bad cursor tells an anonymous caller nothing.
    expectProblemResponse(await t.server.app.inject({ method: 'GET', url: '/image-proxy/images?cursor=forged&limit=0' }), 401, 'UNAUTHENTICATED');
    await expect(t.server.client().imageProxy.listStoreImages()).rejects.toMatchObject({ status: 401 });

    const customer = t.server.tokens.signAccessToken({ userId: 'usr_01jd2x7k9q3m4n5p6r7s8t9v0w', role: 'customer', sessionId: `ses_${'0'.repeat(26)}` });
    const refused = await t.server.app.inject({ method: 'GET', url: '/image-proxy/images', headers: { authorization: `Bearer ${customer}` } });
    expect(refused.statusCode).toBe(403);
    expect(String(refused.headers['content-type'])).toContain('application/problem+json');

    const page = await storeSession(t.server, STORE_B, 'staff').imageProxy.listStoreImages();
    expect(page.items.map((image) => image.id)).toEqual(newestFirst(STORE_B));
  });
});
