import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { bundle } from '../../../scripts/generate/bundle.js';
import { collectOperations } from '../../../scripts/generate/operations.js';
import { type GenerateOptions, generate, isClean } from '../../../scripts/generate/run.js';
import { runGenerator } from './generator-cli.js';

const repositoryRoot = resolve(import.meta.dirname, '../../..');
const fixtures = join(import.meta.dirname, 'fixtures');

describe('bundle', () => {
  const auth = bundle(join(fixtures, 'openapi', 'auth.yaml'));
  const shop = bundle(join(fixtures, 'openapi', 'shop.yaml'));

  test('rewrites every reference to a local one', () => {
    for (const doc of [auth, shop]) {
      const text = JSON.stringify(doc);
      expect(text).not.toContain('.yaml');
      for (const [, ref] of text.matchAll(/"\$ref":"([^"]+)"/g)) expect(ref).toMatch(/^#\/components\/[a-zA-Z]+\/[\w.-]+$/);
    }
  });

  test('copies referenced components transitively, and nothing else', () => {
    const components = shop.components as Record<string, Record<string, unknown>>;
    expect(Object.keys(components.schemas ?? {})).toEqual([
      'Product',
      'ProductPage',
      'CreateProductRequest',
      'Problem',
      'FieldError', // only reached through Problem
      'Money',
    ]);
    expect(Object.keys(components.parameters ?? {})).toEqual(['Cursor', 'Limit', 'IdempotencyKey']);
    expect(Object.keys(components.responses ?? {})).toEqual(['BadRequest', 'Unauthorized', 'NotFound']);
    expect(JSON.stringify(shop)).not.toContain('NotReferenced');
  });

  test('resolves security schemes: aliases in place, undeclared ones from common.yaml', () => {
    const shopSchemes = (shop.components as Record<string, unknown>).securitySchemes;
    expect(shopSchemes).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      apiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
    });
    const authSchemes = (auth.components as Record<string, unknown>).securitySchemes;
    expect(authSchemes).toEqual({ bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } });
  });

  test('keeps the authored order and is byte-for-byte stable', () => {
    expect(Object.keys(shop)).toEqual(['openapi', 'info', 'paths', 'components']);
    expect(Object.keys(shop.paths as object)).toEqual([
      '/shop/products',
      '/shop/products/search',
      '/shop/products/{productId}',
      '/shop/products/{productId}/images',
      '/shop/products/{productId}/picture',
      '/shop/export',
    ]);
    expect(JSON.stringify(bundle(join(fixtures, 'openapi', 'shop.yaml')))).toBe(JSON.stringify(shop));
  });

  test('fails on a reference that leads nowhere', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokobapak-bundle-'));
    try {
      cpSync(join(fixtures, 'openapi'), dir, { recursive: true });
      const spec = join(dir, 'shop.yaml');
      writeFileSync(spec, readFileSync(spec, 'utf8').replace('parameters/Cursor', 'parameters/Kursor'));
      expect(() => bundle(spec)).toThrow(/parameters\/Kursor not found/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('collectOperations', () => {
  test('derives method, path, pagination, idempotency, body type and response kind from the spec', () => {
    const operations = Object.fromEntries(collectOperations(bundle(join(fixtures, 'openapi', 'shop.yaml')), 'shop.yaml'));
    expect(operations).toEqual({
      listProducts: { method: 'GET', path: '/shop/products', paginated: true, idempotent: false, body: 'json', response: 'json' },
      createProduct: { method: 'POST', path: '/shop/products', paginated: false, idempotent: true, body: 'json', response: 'json' },
      searchProducts: { method: 'GET', path: '/shop/products/search', paginated: false, idempotent: false, body: 'json', response: 'json' },
      getProduct: { method: 'GET', path: '/shop/products/{productId}', paginated: false, idempotent: false, body: 'json', response: 'json' },
      deleteProduct: { method: 'DELETE', path: '/shop/products/{productId}', paginated: false, idempotent: false, body: 'json', response: 'json' },
      updateProduct: { method: 'PATCH', path: '/shop/products/{productId}', paginated: false, idempotent: false, body: 'json', response: 'json' },
      // `format: binary` and an untyped `contentMediaType` are files, exactly as the runtime's multipart validator decides
      uploadProductImage: {
        method: 'POST',
        path: '/shop/products/{productId}/images',
        paginated: false,
        idempotent: true,
        body: 'multipart',
        files: ['file', 'raw'],
        response: 'json',
      },
      // no JSON among the success media types: binary; a declared 304 is recorded
      getProductPicture: {
        method: 'GET',
        path: '/shop/products/{productId}/picture',
        paginated: false,
        idempotent: false,
        body: 'json',
        response: 'binary',
        notModified: true,
      },
      exportProducts: { method: 'GET', path: '/shop/export', paginated: false, idempotent: false, body: 'json', response: 'binary' },
    });
  });

  test('finds the body type and file properties through references', () => {
    const doc = {
      openapi: '3.1.0',
      paths: {
        '/x/files': {
          post: {
            operationId: 'upload',
            requestBody: { $ref: '#/components/requestBodies/Upload' },
            responses: {},
          },
        },
      },
      components: {
        requestBodies: { Upload: { content: { 'multipart/form-data': { schema: { $ref: '#/components/schemas/Upload' } } } } },
        schemas: {
          Upload: { type: 'object', properties: { picture: { $ref: '#/components/schemas/Binary' }, caption: { type: 'string' } } },
          Binary: { type: 'string', format: 'binary' },
        },
      },
    };
    expect(collectOperations(doc, 'x.yaml')).toEqual([
      ['upload', { method: 'POST', path: '/x/files', paginated: false, idempotent: false, body: 'multipart', files: ['picture'], response: 'json' }],
    ]);
  });

  test('finds the response kind through references, from success responses only', () => {
    const binary = { schema: { type: 'string', format: 'binary' } };
    const problem = { 'application/problem+json': { schema: { type: 'object' } } };
    const doc = {
      openapi: '3.1.0',
      paths: {
        '/x/file': {
          get: {
            operationId: 'download',
            responses: { '200': { $ref: '#/components/responses/Bytes' }, '304': { description: 'current' }, '404': { content: problem } },
          },
        },
        '/x/report': { get: { operationId: 'report', responses: { '2XX': { content: { 'text/csv; charset=utf-8': { schema: { type: 'string' } } } } } } },
        '/x/doc': {
          get: {
            operationId: 'document',
            responses: {
              '200': { content: { 'application/vnd.x+json; charset=utf-8': { schema: { type: 'object' } } } },
              // an error answered as HTML does not make the operation binary
              '502': { content: { 'text/html': { schema: { type: 'string' } } } },
            },
          },
        },
        '/x/gone': { delete: { operationId: 'remove', responses: { '204': { description: 'gone' }, '404': { content: problem } } } },
      },
      components: { responses: { Bytes: { description: 'bytes', content: { 'image/*': binary, 'application/octet-stream': binary } } } },
    };
    const kinds = collectOperations(doc, 'x.yaml').map(([id, info]) => [id, info.response, info.notModified]);
    expect(kinds).toEqual([
      ['download', 'binary', true],
      ['report', 'binary', undefined],
      ['document', 'json', undefined],
      ['remove', 'json', undefined],
    ]);
  });

  test('fails on an operation whose success responses mix JSON and binary', () => {
    const responses = {
      '200': { content: { 'application/json': { schema: { type: 'object' } } } },
      '202': { content: { 'image/png': { schema: { type: 'string', format: 'binary' } } } },
    };
    const doc = { openapi: '3.1.0', paths: { '/x/y': { get: { operationId: 'mixed', responses } } } };
    expect(() => collectOperations(doc, 'x.yaml')).toThrow(
      'x.yaml: mixed: success responses are either JSON or binary, not both (200 application/json, 202 image/png)',
    );
  });

  test('fails on an operation that takes both JSON and multipart', () => {
    const content = { 'application/json': { schema: { type: 'object' } }, 'multipart/form-data': { schema: { type: 'object' } } };
    const doc = { openapi: '3.1.0', paths: { '/x/y': { post: { operationId: 'both', requestBody: { content }, responses: {} } } } };
    expect(() => collectOperations(doc, 'x.yaml')).toThrow('x.yaml: both: a request body is either application/json or multipart/form-data, not both');
  });

  test('fails on an operation without operationId', () => {
    const doc = { openapi: '3.1.0', paths: { '/x/y': { get: { responses: {} } } } };
    expect(() => collectOperations(doc, 'x.yaml')).toThrow('x.yaml: GET /x/y has no operationId');
  });
});

describe('generate', () => {
  let dir: string;
  let options: GenerateOptions;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tokobapak-generate-'));
    cpSync(join(fixtures, 'openapi'), join(dir, 'openapi'), { recursive: true });
    mkdirSync(join(dir, 'plugins', 'shop'), { recursive: true });
    options = { root: dir, openapiDir: join(dir, 'openapi'), sdkGeneratedDir: join(dir, 'generated'), pluginsDir: join(dir, 'plugins') };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('the committed fixture output is what the generator writes', async () => {
    const { drift } = await generate({
      root: repositoryRoot,
      openapiDir: join(fixtures, 'openapi'),
      sdkGeneratedDir: join(fixtures, 'generated'),
      pluginsDir: join(fixtures, 'plugins'),
      check: true,
    });
    // On failure: `pnpm --filter @tokobapak/sdk generate:fixtures`.
    expect(drift).toEqual({ missing: [], changed: [], obsolete: [] });
  });

  test('writes types, the operation table, re-exports, and specs for plugins that exist', async () => {
    await generate(options);
    const generated = (name: string) => readFileSync(join(dir, 'generated', name), 'utf8');
    expect(generated('shop.ts')).toMatch(/^\/\/ Generated by `pnpm generate` from openapi\/shop\.yaml\. Do not edit\.\n/);
    expect(generated('shop.ts')).toContain('export interface operations');
    expect(generated('operations.ts')).toContain(
      "listProducts: { method: 'GET', path: '/shop/products', paginated: true, idempotent: false, body: 'json', response: 'json' },",
    );
    expect(generated('operations.ts')).toContain("body: 'multipart', files: ['file', 'raw'], response: 'json' },");
    expect(generated('operations.ts')).toContain(
      "getProductPicture: { method: 'GET', path: '/shop/products/{productId}/picture', paginated: false, idempotent: false, body: 'json', response: 'binary', notModified: true },",
    );
    expect(generated('operations.ts')).toContain("import type * as shop from './shop.js';");
    expect(generated('operations.ts')).toContain('  shop: shop.operations;');
    expect(generated('index.ts')).toContain("export type { components as ShopComponents, operations as ShopOperations, paths as ShopPaths } from './shop.js';");
    const spec = readFileSync(join(dir, 'plugins', 'shop', 'src', 'generated', 'spec.ts'), 'utf8');
    expect(spec).toContain("import type { OpenApiDocument } from '@tokobapak/server';");
    expect(spec).toContain('export const spec: OpenApiDocument = document;');
    const json = spec.slice(spec.indexOf('const document = ') + 'const document = '.length, spec.indexOf(';\n\n/**'));
    expect(JSON.parse(json)).toEqual(bundle(join(dir, 'openapi', 'shop.yaml')));
    expect(existsSync(join(dir, 'plugins', 'auth'))).toBe(false); // no plugin folder, no spec.ts
  });

  test('--check finds stale, missing and obsolete files, and a second run fixes them', async () => {
    await generate(options);
    expect(isClean((await generate({ ...options, check: true })).drift)).toBe(true);

    writeFileSync(join(dir, 'generated', 'shop.ts'), '// hand edit\n');
    rmSync(join(dir, 'generated', 'index.ts'));
    writeFileSync(join(dir, 'generated', 'gone.ts'), '// from a deleted spec\n');
    mkdirSync(join(dir, 'plugins', 'old', 'src', 'generated'), { recursive: true });
    writeFileSync(join(dir, 'plugins', 'old', 'src', 'generated', 'spec.ts'), '// from a deleted spec\n');

    const { drift } = await generate({ ...options, check: true });
    expect(drift).toEqual({
      missing: [join(dir, 'generated', 'index.ts')],
      changed: [join(dir, 'generated', 'shop.ts')],
      obsolete: [join(dir, 'generated', 'gone.ts'), join(dir, 'plugins', 'old', 'src', 'generated', 'spec.ts')],
    });
    expect(readFileSync(join(dir, 'generated', 'shop.ts'), 'utf8')).toBe('// hand edit\n'); // --check writes nothing

    await generate(options);
    expect(isClean((await generate({ ...options, check: true })).drift)).toBe(true);
    expect(existsSync(join(dir, 'generated', 'gone.ts'))).toBe(false);
  });

  test('the CLI exits 1 on drift and names the files', async () => {
    const cli = (...args: string[]) => runGenerator(options, ...args);
    await cli();
    expect((await cli('--check')).stdout).toContain('generated files are up to date');

    writeFileSync(join(dir, 'generated', 'operations.ts'), '// stale\n');
    const failure = await cli('--check').then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/stale\s+\S*generated\/operations\.ts/);
  });
});
