import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { DOC_END, DOC_START } from '../../../scripts/generate/events.js';
import { type GenerateOptions, generate } from '../../../scripts/generate/run.js';
import { runGenerator } from './generator-cli.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');

// Every test works on a temporary copy of the repository's own specs, so the checks cover the real
// declarations and the generator can be broken freely.
describe('events in the specs', () => {
  let dir: string;
  let options: GenerateOptions;
  const spec = (service: string) => join(dir, 'openapi', `${service}.yaml`);
  const edit = (service: string, from: string, to: string) => {
    const text = readFileSync(spec(service), 'utf8');
    expect(text).toContain(from);
    writeFileSync(spec(service), text.replaceAll(from, to));
  };
  const failure = () =>
    generate(options).then(
      () => 'generated without complaint',
      (error: Error) => error.message,
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokobapak-events-'));
    cpSync(join(repositoryRoot, 'openapi'), join(dir, 'openapi'), { recursive: true });
    for (const plugin of ['inventory', 'image-proxy']) mkdirSync(join(dir, 'plugins', plugin), { recursive: true });
    writeFileSync(join(dir, 'events.md'), `# Events\n\n${DOC_START}\nold\n${DOC_END}\n\nrest\n`);
    options = {
      root: dir,
      openapiDir: join(dir, 'openapi'),
      sdkGeneratedDir: join(dir, 'generated'),
      pluginsDir: join(dir, 'plugins'),
      eventsDoc: join(dir, 'events.md'),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('renaming a published type fails generation, naming the consumer and the type', async () => {
    edit('merchant', 'merchant.store-suspended:', 'merchant.store-paused:');
    expect(await failure()).toBe('openapi/auth.yaml: auth consumes merchant.store-suspended, which no spec publishes');
  });

  test('a typo in a consumed type fails generation, from `pnpm generate` as a process too', async () => {
    edit('image-proxy', '    - inventory.product-sold-out\n', '    - inventory.product-soldout\n');
    const generated = await runGenerator(options).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(generated?.code).toBe(1);
    expect(generated?.stderr).toContain('openapi/image-proxy.yaml: image-proxy consumes inventory.product-soldout, which no spec publishes');
  });

  test('publishing another service’s event needs that service to declare it shared', async () => {
    edit('user', '      shared: true\n', '');
    expect(await failure()).toBe('openapi/auth.yaml: auth also publishes user.deletion-acknowledged, which user does not declare shared');
  });

  test('a service owns only the types under its own name', async () => {
    edit('inventory', '    inventory.stock-changed:', '    stock.changed:');
    expect(await failure()).toBe(
      'openapi/inventory.yaml: inventory: x-events.publishes: "stock.changed" must start with "inventory." (another service\'s shared event goes under alsoPublishes)',
    );
  });

  test('a payload is a schema component, and a called service must have a spec', async () => {
    edit('image-proxy', '        $ref: "#/components/schemas/ImageDeletedEvent"', '        type: object');
    expect(await failure()).toBe(
      'openapi/image-proxy.yaml: x-events.publishes.image-proxy.image-deleted.payload must be a $ref to #/components/schemas/<Name>',
    );
    cpSync(join(repositoryRoot, 'openapi', 'image-proxy.yaml'), spec('image-proxy'));
    edit('promoted-item', '  image-proxy:\n    why:', '  images:\n    why:');
    expect(await failure()).toBe('openapi/promoted-item.yaml: promoted-item calls images (x-calls), which has no spec');
  });

  test('an event port: known, provided once, with the fields the runtime reads', async () => {
    await generate(options);
    expect(readFileSync(join(dir, 'generated', 'events.ts'), 'utf8')).toContain("export const portEvents = {\n  accountDeleted: 'user.deleted',\n} as const;");
    edit('user', 'x-provides: accountDeleted', 'x-provides: accountRemoved');
    expect(await failure()).toBe('openapi/user.yaml: x-events.publishes.user.deleted: x-provides names an unknown port accountRemoved (known: accountDeleted)');
    edit('user', 'x-provides: accountRemoved', 'x-provides: accountDeleted');
    edit(
      'user',
      '      payload:\n        $ref: "#/components/schemas/UserRegisteredEvent"',
      '      x-provides: accountDeleted\n      payload:\n        $ref: "#/components/schemas/UserRegisteredEvent"',
    );
    expect(await failure()).toBe(
      'openapi/user.yaml: x-events.publishes.user.deleted: two events provide the accountDeleted port (x-provides): user.registered and user.deleted',
    );
  });

  test('writes the catalogue, a manifest per plugin, and the catalogue section of the events page', async () => {
    await generate(options);
    const catalogue = readFileSync(join(dir, 'generated', 'events.ts'), 'utf8');
    expect(catalogue).toMatch(/^\/\/ Generated by `pnpm generate` from openapi\/\*\.yaml\. Do not edit\.\n/);
    expect(catalogue).toContain("    storeSuspended: 'merchant.store-suspended',");
    expect(catalogue).toContain("  'inventory.product-sold-out': inventory.components['schemas']['ProductAvailabilityEvent'];");
    // The schema is self-contained: references inlined, so a consumer validates without the producer's spec.
    expect(catalogue).not.toContain('$ref');
    expect(catalogue).toContain('"scope": {\n        "type": "string",\n        "enum": [\n          "platform",');

    const manifest = readFileSync(join(dir, 'plugins', 'image-proxy', 'src', 'generated', 'manifest.ts'), 'utf8');
    expect(manifest).toContain("publishes: Pick<EventPayloads, 'image-proxy.image-uploaded' | 'image-proxy.image-deleted'>;");
    expect(manifest).toContain("consumes: Pick<EventPayloads, 'inventory.product-sold-out' | 'inventory.product-back-in-stock'>;");
    expect(manifest).toContain("    'inventory.product-sold-out': eventSchemas['inventory.product-sold-out'],");

    const page = readFileSync(join(dir, 'events.md'), 'utf8');
    expect(page).toMatch(/^# Events\n\n<!-- event-catalogue:start/);
    expect(page).toContain(
      '| `user.deletion-acknowledged` | user, auth, merchant, wishlist | user | `userId`: string, `service`: string | A service has erased a deleted user',
    );
    expect(page).toContain('| `merchant.store-suspended` | merchant | auth, inventory | `storeId`: string |');
    expect(page).not.toContain('\nold\n');
    expect(page.endsWith(`${DOC_END}\n\nrest\n`)).toBe(true);
  });

  test('an events page without the markers is an error, not a silent skip', async () => {
    writeFileSync(join(dir, 'events.md'), '# Events\n');
    expect(await failure()).toMatch(/events\.md: the event catalogue markers are missing/);
  });
});
