import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CHROMIUM, haveChromium, launchChromium } from './chromium.js';
import { type DemoReady, startDemoStore } from './demo-store.js';

// `/` and `/docs` of a demo store as a person sees them: in Debian's Chromium, headless.

describe.skipIf(!haveChromium)(`in headless Chromium${haveChromium ? '' : ` (skipped: no ${CHROMIUM})`}`, () => {
  let demo: DemoReady & { stop(): Promise<void> };
  let browser: BrowserContext;
  let chromium: Awaited<ReturnType<typeof launchChromium>> | undefined;

  beforeAll(async () => {
    demo = await startDemoStore();
    chromium = await launchChromium();
    browser = chromium.browser;
  }, 180_000);
  afterAll(async () => {
    await chromium?.close();
    await demo?.stop();
  });

  test('the URL start prints shows what runs, the demo accounts, and leads to the branded reference', async () => {
    const page = await browser.newPage();
    const response = await page.goto(`${demo.url}/`);
    expect(response?.status()).toBe(200);
    expect(await page.title()).toBe('TokoBapak');
    const text = await page.locator('body').textContent();
    for (const service of demo.services) expect(text).toContain(service);
    expect(text).toContain('merchant@demo.tokobapak.dev');
    expect(text).toContain('demo-seller-password');

    await page.getByRole('link', { name: 'API reference' }).click();
    await page.waitForURL(/\/docs/);
    await page.locator('.opblock-tag').first().waitFor({ timeout: 30_000 });
    expect(await page.title()).toBe('TokoBapak API reference');
    const tags = await page.locator('.opblock-tag').allInnerTexts();
    // Grouped by service, in the order the services run.
    const services = tags.map((tag) => tag.split(' · ')[0]?.trim());
    expect(new Set(services)).toEqual(new Set(demo.services));
    expect(services.indexOf('auth')).toBeLessThan(services.indexOf('inventory'));

    // Each operation says which credential it needs.
    await page.locator('.opblock-tag', { hasText: 'inventory · Store products' }).first().click();
    await page.locator('.opblock', { hasText: '/inventory/store/products' }).filter({ hasText: 'POST' }).first().locator('.opblock-summary').click();
    await expect.poll(() => page.locator('.opblock-body').first().textContent(), { timeout: 10_000 }).toContain('Credential: a store session');
    await page.close();
  });

  test("a page on another localhost origin may call the demo's API (CORS)", async () => {
    // A storefront in development: a page served from another port of this machine.
    const storefront = createHttpServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<title>storefront</title>'));
    await new Promise<void>((resolve) => storefront.listen(0, '127.0.0.1', resolve));
    const page = await browser.newPage();
    try {
      await page.goto(`http://127.0.0.1:${(storefront.address() as AddressInfo).port}/`);
      const answer = await page.evaluate(async (base) => {
        const response = await fetch(`${base}/inventory/products?limit=1`, { headers: { accept: 'application/json' } });
        return { status: response.status, body: (await response.json()) as { items: unknown[] } };
      }, demo.url);
      expect(answer.status).toBe(200);
      expect(answer.body.items).toHaveLength(1);
    } finally {
      await page.close();
      storefront.closeAllConnections();
      await new Promise((resolve) => storefront.close(resolve));
    }
  });
});
