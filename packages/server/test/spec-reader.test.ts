import { describe, expect, test } from 'vitest';
import { collectOperations } from '../../../scripts/generate/operations.js';
import { type OpenApiDocument, readOperations } from '../src/index.js';
import { isJsonMediaType, readServiceContract } from '../src/spec-reader.js';

// The runtime (readOperations) and the generator (collectOperations) read specs through one module:
// each test gives both the same spec and expects the same reading.
const spec = (paths: Record<string, unknown>): OpenApiDocument => ({ openapi: '3.1.0', info: { title: 'x', version: '0' }, paths }) as OpenApiDocument;
const vendorJson = { 'application/vnd.tokobapak.report+json; charset=utf-8': { schema: { type: 'object', properties: { total: { type: 'integer' } } } } };

describe('one spec reader for the runtime and the generator', () => {
  test('JSON media types: application/json, any +json, with or without parameters', () => {
    for (const type of ['application/json', 'application/problem+json', 'application/vnd.x+json; charset=utf-8', 'APPLICATION/JSON']) {
      expect(isJsonMediaType(type), type).toBe(true);
    }
    for (const type of ['text/csv', 'image/webp', 'application/octet-stream', 'application/jsonl', 'text/json-seq']) {
      expect(isJsonMediaType(type), type).toBe(false);
    }
  });

  test('a vendor +json response is JSON to both: the runtime serializes it by its schema, the client reads it as JSON', () => {
    const doc = spec({ '/x/report': { get: { operationId: 'report', security: [], responses: { '200': { description: 'ok', content: vendorJson } } } } });
    const [route] = readOperations('x', doc);
    expect(route?.responses[200]).toEqual({ type: 'object', properties: { total: { type: 'integer' } } });
    expect(collectOperations(doc, 'x.yaml')[0]?.[1].response).toBe('json');
  });

  test('a HEAD, OPTIONS or TRACE operation is refused by both, with the same message', () => {
    for (const method of ['head', 'options', 'trace']) {
      const doc = spec({ '/x/y': { [method]: { operationId: 'odd', security: [], responses: { '200': { description: 'ok' } } } } });
      const message = `: ${method.toUpperCase()} /x/y: operations use GET, PUT, POST, PATCH or DELETE`;
      expect(() => readOperations('x', doc)).toThrow(`x${message}`);
      expect(() => collectOperations(doc, 'x.yaml')).toThrow(`x.yaml${message}`);
    }
  });

  test('x-idempotent-by: read for an idempotent operation whose JSON body requires the string it names; refused otherwise', () => {
    const keyHeader = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' } };
    const body = (schema: unknown) => ({ required: true, content: { 'application/json': { schema } } });
    const byReference = { type: 'object', required: ['reference'], properties: { reference: { type: 'string' }, amount: { type: 'integer' } } };
    const create = (extra: Record<string, unknown>) =>
      spec({ '/x/things': { post: { operationId: 'createThing', security: [], responses: { '201': { description: 'made' } }, ...extra } } });
    const [route] = readOperations('x', create({ 'x-idempotent-by': 'reference', parameters: [keyHeader], requestBody: body(byReference) }));
    expect(route).toMatchObject({ idempotent: true, idempotentBy: 'reference' });
    expect(readOperations('x', create({ parameters: [keyHeader], requestBody: body(byReference) }))[0]?.idempotentBy).toBeUndefined();
    expect(() => readOperations('x', create({ 'x-idempotent-by': 'reference', requestBody: body(byReference) }))).toThrow(
      'x: POST /x/things: x-idempotent-by needs the Idempotency-Key header parameter',
    );
    for (const [name, schema] of [
      ['amount', byReference],
      ['reference', { ...byReference, required: [] }],
      ['missing', byReference],
    ] as const) {
      expect(() => readOperations('x', create({ 'x-idempotent-by': name, parameters: [keyHeader], requestBody: body(schema) }))).toThrow(
        `x-idempotent-by names ${name}, which must be a required string property of the JSON body`,
      );
    }
  });

  test('x-events and x-calls: what a service publishes, consumes and calls', () => {
    const contract = readServiceContract('cart', {
      'x-events': {
        publishes: { 'cart.checked-out': { description: 'Paid.', payload: { $ref: '#/components/schemas/CheckedOut' } } },
        alsoPublishes: ['user.deletion-acknowledged'],
        consumes: ['inventory.product-archived', 'inventory.product-archived'],
      },
      'x-calls': { inventory: { why: 'Stock.' }, promotion: { optional: true } },
    });
    expect(contract).toEqual({
      publishes: [{ type: 'cart.checked-out', description: 'Paid.', shared: false, payload: { $ref: '#/components/schemas/CheckedOut' } }],
      alsoPublishes: ['user.deletion-acknowledged'],
      consumes: ['inventory.product-archived'],
      calls: [
        { service: 'inventory', optional: false, why: 'Stock.' },
        { service: 'promotion', optional: true, why: '' },
      ],
    });
    expect(readServiceContract('cart', {})).toEqual({ publishes: [], alsoPublishes: [], consumes: [], calls: [] });
    expect(() => readServiceContract('cart', { 'x-events': { consumes: ['Inventory Archived'] } })).toThrow('"Inventory Archived" is not an event type');
    expect(() => readServiceContract('cart', { 'x-events': { publishes: { 'cart.paid': {} } } })).toThrow('x-events.publishes.cart.paid has no payload schema');
  });
});
