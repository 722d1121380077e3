import { expectProblemResponse } from '@tokobapak/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signVariantUrl, type VariantQuery } from '../src/index.js';
import { createRenderBudget } from '../src/render-budget.js';
import { type ImageProxyTestServer, SIGNING_KEY, startImageProxy, uploadOk } from './support.js';

/** A gate renders wait at; the test opens it. */
function gate() {
  let open: () => void = () => undefined;
  let opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    wait: () => opened,
    open: () => open(),
    close: () => {
      opened = new Promise<void>((resolve) => {
        open = resolve;
      });
    },
  };
}

describe('the render budget, through HTTP', () => {
  const renders = gate();
  let t: ImageProxyTestServer;
  let imageId: string;
  beforeAll(async () => {
    // One render at a time and one more waiting: a third distinct render is refused.
    t = await startImageProxy({ renderConcurrency: 1, renderQueueLimit: 1, beforeRender: renders.wait });
    imageId = await uploadOk(t.server);
  });
  afterAll(async () => {
    renders.open();
    await t?.close();
  });

  const get = (query: VariantQuery) => t.server.app.inject({ method: 'GET', url: signVariantUrl({ imageId, params: query, signingKey: SIGNING_KEY }) });

  it('renders a new variant once for many concurrent requests, which take no places in the queue', async () => {
    renders.close();
    const before = t.renders();
    // Eight requests for one variant, more than slots plus queue: they share one render, none is refused.
    const pending = Array.from({ length: 8 }, () => get({ w: 140, h: 140, format: 'avif' }));
    await waitUntil(() => t.renders() === before + 1);
    renders.open();
    const responses = await Promise.all(pending);
    for (const response of responses) expect(response.statusCode, response.body).toBe(200);
    expect(t.renders()).toBe(before + 1);
    expect(new Set(responses.map((response) => response.headers.etag)).size).toBe(1);
  });

  it('answers 503 IMAGE_RENDER_QUEUE_FULL with Retry-After when every slot and queue place is taken', async () => {
    renders.close();
    const before = t.renders();
    const pending = [{ w: 150 }, { w: 151 }, { w: 152 }].map((query) => get(query));
    // With the renders held at the gate, the one refused request is the only one that can finish.
    const first = await within(Promise.race(pending));
    expectProblemResponse(first, 503, 'IMAGE_RENDER_QUEUE_FULL');
    expect(first.headers['retry-after']).toBe('1');
    // One render runs (held at the gate); the other admitted one waits for the single slot.
    await waitUntil(() => t.renders() === before + 1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(t.renders()).toBe(before + 1);

    renders.open();
    const responses = await Promise.all(pending);
    expect(responses.map((response) => response.statusCode).sort()).toEqual([200, 200, 503]);
    expect(t.renders()).toBe(before + 2);

    // The refused variant was never started, so a retry renders it.
    const refused = [{ w: 150 }, { w: 151 }, { w: 152 }][responses.findIndex((response) => response.statusCode === 503)] as VariantQuery;
    const retry = await get(refused);
    expect(retry.statusCode).toBe(200);
    expect(t.renders()).toBe(before + 3);
  });

  it('serves stored variants while the queue is full', async () => {
    const stored = await get({ w: 160 });
    expect(stored.statusCode).toBe(200);
    renders.close();
    const pending = [{ w: 161 }, { w: 162 }, { w: 163 }].map((query) => get(query));
    expectProblemResponse(await within(Promise.race(pending)), 503, 'IMAGE_RENDER_QUEUE_FULL');
    const again = await get({ w: 160 });
    expect(again.statusCode).toBe(200);
    expect(again.headers.etag).toBe(stored.headers.etag);
    renders.open();
    await Promise.all(pending);
  });
});

describe('createRenderBudget', () => {
  it('runs at most `concurrency` renders at once and refuses beyond the queue', async () => {
    const budget = createRenderBudget(2, 3);
    const held = gate();
    held.close();
    let running = 0;
    let most = 0;
    const render = async () => {
      running += 1;
      most = Math.max(most, running);
      await held.wait();
      running -= 1;
    };
    const admitted = Array.from({ length: 5 }, () => budget.run(render));
    expect(() => budget.run(render)).toThrowError(expect.objectContaining({ code: 'IMAGE_RENDER_QUEUE_FULL', status: 503 }));
    await waitUntil(() => budget.stats().active === 2);
    expect(budget.stats()).toEqual({ active: 2, waiting: 3, pixels: 0 });
    held.open();
    await Promise.all(admitted);
    expect(most).toBe(2);
    expect(budget.stats()).toEqual({ active: 0, waiting: 0, pixels: 0 });
    await budget.run(render);
  });
});

describe('createRenderBudget with a pixel budget', () => {
  it('runs renders side by side only while their originals fit the pixel budget; a larger one runs alone, in turn', async () => {
    const budget = createRenderBudget(4, 10, 100);
    const held = gate();
    held.close();
    const started: string[] = [];
    const render = (name: string) => async () => {
      started.push(name);
      await held.wait();
    };
    const first = budget.run(render('a60'), 60);
    const second = budget.run(render('b60'), 60);
    const third = budget.run(render('c30'), 30);
    await waitUntil(() => started.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // b60 does not fit beside a60, and c30 does not overtake it.
    expect(started).toEqual(['a60']);
    expect(budget.stats()).toEqual({ active: 1, waiting: 2, pixels: 60 });
    held.open();
    await Promise.all([first, second, third]);
    expect(started).toEqual(['a60', 'b60', 'c30']);

    held.close();
    const huge = budget.run(render('huge'), 500);
    await waitUntil(() => budget.stats().active === 1);
    expect(budget.stats()).toEqual({ active: 1, waiting: 0, pixels: 500 });
    const small = budget.run(render('small'), 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(budget.stats()).toEqual({ active: 1, waiting: 1, pixels: 500 });
    held.open();
    await Promise.all([huge, small]);
    expect(budget.stats()).toEqual({ active: 0, waiting: 0, pixels: 0 });
  });
});

/** `promise`, or a failure after `ms` (instead of the test's long timeout when renders are held forever). */
function within<T>(promise: Promise<T>, ms = 5_000): Promise<T> {
  return Promise.race([promise, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`nothing answered within ${ms} ms`)), ms))]);
}

async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
