import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { authPlugin } from '@tokobapak/plugin-auth';
import { imageProxyPlugin } from '@tokobapak/plugin-image-proxy';
import { inventoryPlugin } from '@tokobapak/plugin-inventory';
import { merchantPlugin } from '@tokobapak/plugin-merchant';
import { orderPlugin } from '@tokobapak/plugin-order';
import { paymentPlugin } from '@tokobapak/plugin-payment';
import { promotedItemPlugin } from '@tokobapak/plugin-promoted-item';
import { promotionPlugin } from '@tokobapak/plugin-promotion';
import { shippingPlugin } from '@tokobapak/plugin-shipping';
import { userPlugin } from '@tokobapak/plugin-user';
import { createTestServer } from '@tokobapak/server/testing';
import { expect, test } from 'vitest';

// Other tools read our specs (client generators, gateways, linters): each published file must be
// valid on its own, and so must the bundle a store serves. Redocly CLI's recommended rules judge.
const root = resolve(import.meta.dirname, '..');
const redocly = join(root, 'node_modules/.bin/redocly');
const exec = promisify(execFile);

async function lint(...files: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await exec(redocly, ['lint', '--format', 'summary', ...files], { cwd: root, timeout: 120_000 });
    return stdout + stderr;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    throw new Error(`redocly lint failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}

test('every spec in openapi/ passes the recommended rules on its own', async () => {
  const specs = readdirSync(join(root, 'openapi'))
    .filter((name) => name.endsWith('.yaml'))
    .map((name) => join('openapi', name));
  expect(specs.length).toBeGreaterThanOrEqual(6);
  expect(await lint(...specs)).toMatch(/Your API descriptions? (is|are) valid/);
});

test('the bundle served at /docs/json passes them too', async () => {
  const server = await createTestServer({
    plugins: [
      authPlugin(),
      userPlugin(),
      merchantPlugin(),
      inventoryPlugin(),
      imageProxyPlugin(),
      promotedItemPlugin(),
      orderPlugin(),
      promotionPlugin(),
      paymentPlugin({ env: {} }),
      shippingPlugin(),
    ],
  });
  const dir = await mkdtemp(join(tmpdir(), 'tokobapak-bundle-'));
  try {
    const file = join(dir, 'bundle.json');
    await writeFile(file, (await server.app.inject({ method: 'GET', url: '/docs/json' })).body);
    const report = await lint(file);
    expect(report, report).toMatch(/Your API descriptions? (is|are) valid/);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
