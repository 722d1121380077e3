import type { JsonSchema, OperationRoute } from '@tokobapak/server';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { primaryType, sampleValue, schemaFields, withField } from './support/schema-sample.js';
import { credentialsFor, expectCleanProblem, operationName, type SweepServer, samplePath, startSweepServer, sweepOperations } from './support/sweep-server.js';

/**
 * Hostile values in every field of every operation, enumerated from the specs: text no database
 * can hold (NUL, an unpaired surrogate), integers beyond PostgreSQL's bigint, tampered cursors.
 * Each must be a 4xx problem, never a 500, whatever the operation does with the field. The rest
 * of each request is a plausible valid one (from the spec's examples), so the hostile value is
 * what the server has to deal with.
 */
const HOSTILE_TEXT = { nul: 'a\u0000b', surrogate: 'a\uD800b' };
const HOSTILE_INTEGERS = { 'two to the 63': '9223372036854775808', '1e300': '1e300' };
// In a URL, a lone surrogate can only be sent as its (invalid) three UTF-8-style bytes.
const URL_TEXT = { nul: 'a%00b', surrogate: 'a%ED%A0%80b' };

let sweep: SweepServer;
beforeAll(async () => {
  sweep = await startSweepServer();
});
afterAll(async () => {
  await sweep?.server.close();
});

const FOUR_XX = Array.from({ length: 100 }, (_, index) => 400 + index);

async function send(
  operation: OperationRoute,
  what: string,
  change: { path?: string; query?: [string, string]; body?: unknown; mayAnswer?: boolean },
): Promise<void> {
  const query = [requiredQuery(operation, change.query?.[0]), change.query?.join('=')].filter(Boolean).join('&');
  const url = `${change.path ?? samplePath(operation)}${query ? `?${query}` : ''}`;
  const headers = credentialsFor(sweep, operation);
  const body = change.body ?? (operation.body ? sampleValue(operation.body) : undefined);
  const response =
    operation.bodyType === 'multipart' && operation.body
      ? await sendMultipart(operation, url, headers, body)
      : await sweep.server.app.inject({ method: operation.method as 'GET', url, headers, ...(body !== undefined ? { payload: body as object } : {}) });
  if (change.mayAnswer && response.statusCode < 300) return;
  expectCleanProblem(response, FOUR_XX, `${what}:`);
}

/** A multipart request: text fields as text, file fields as a small file named by the (possibly hostile) file name. */
async function sendMultipart(operation: OperationRoute, url: string, headers: Record<string, string>, body: unknown) {
  const form = new FormData();
  for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
    if (value && typeof value === 'object') {
      const filename = String((value as { filename?: unknown }).filename ?? 'sample.png');
      form.append(name, new Blob([Buffer.from('not really an image')], { type: 'image/png' }), filename);
    } else form.append(name, String(value));
  }
  const encoded = new Response(form);
  const payload = Buffer.from(await encoded.arrayBuffer());
  return sweep.server.app.inject({
    method: operation.method as 'POST',
    url,
    headers: { ...headers, 'content-type': encoded.headers.get('content-type') ?? '' },
    payload,
  });
}

/** Required query parameters, sampled, so the one under test is the only thing wrong. */
function requiredQuery(operation: OperationRoute, except?: string): string {
  const required = (operation.query?.required ?? []) as string[];
  return required
    .filter((name) => name !== except)
    .map((name) => `${name}=${encodeURIComponent(String(sampleValue(operation.query?.properties?.[name])))}`)
    .join('&');
}

interface Parameter {
  name: string;
  type: string | undefined;
}

const parametersOf = (operation: OperationRoute, where: 'params' | 'query'): Parameter[] =>
  Object.entries((operation[where]?.properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => ({ name, type: primaryType(schema) }));

describe('every string and integer field of every body refuses text no database holds and integers beyond bigint', () => {
  const withFields = sweepOperations.filter((operation) => schemaFields(operation.body).length > 0);
  test.each(withFields.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    const base = sampleValue(operation.body);
    for (const field of schemaFields(operation.body)) {
      const at = `#/${field.path.join('/')}`;
      if (operation.bodyType === 'multipart') {
        // A file field's only text is the name the client gives it.
        for (const [kind, text] of Object.entries(HOSTILE_TEXT)) await send(operation, `${at} ${kind}`, { body: withField(base, field.path, text) });
        continue;
      }
      const values =
        field.type === 'string' ? Object.entries(HOSTILE_TEXT) : Object.entries(HOSTILE_INTEGERS).map(([kind, value]) => [kind, Number(value)] as const);
      for (const [kind, value] of values) await send(operation, `${at} ${kind}`, { body: withField(base, field.path, value) });
    }
  });
});

describe('every path and query parameter refuses text no database holds and integers beyond bigint', () => {
  const withParameters = sweepOperations.filter((operation) => parametersOf(operation, 'params').length + parametersOf(operation, 'query').length > 0);
  test.each(withParameters.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    for (const { name } of parametersOf(operation, 'params')) {
      for (const [kind, raw] of Object.entries(URL_TEXT)) await send(operation, `path ${name} ${kind}`, { path: samplePath(operation, { name, raw }) });
    }
    for (const { name, type } of parametersOf(operation, 'query')) {
      const values = type === 'integer' ? Object.entries(HOSTILE_INTEGERS) : type === 'string' ? Object.entries(URL_TEXT) : [];
      // A query value whose bytes decode to no character is kept as the literal text it was sent as: it may be answered.
      for (const [kind, raw] of values) await send(operation, `query ${name} ${kind}`, { query: [name, raw], mayAnswer: kind === 'surrogate' });
    }
  });
});

/** Cursors a client could forge: a key that is no text a database holds, a key of the wrong type or range, a key of another listing. */
function tamperedCursors(sort: string | undefined): string[] {
  const id = `prod_${'0'.repeat(26)}`;
  // A relevance rank is any finite number, so numeric keys are forged only for the other sorts.
  const numbers = sort === 'relevance' ? [] : [1.5, 1e30, -1e300];
  const positions: unknown[] = [...numbers.map((key) => [sort, key, id]), [sort, 'a\u0000b', id], [sort, 'a\uD800b', id], [sort, null, 'a\u0000b']];
  const afters = ['\u0000', '\uD800', 'a\u0000b', 1.5, 1e30, null, ['x'], { after: 'x' }, ...positions.map((position) => JSON.stringify(position))];
  const cursors = afters.map((after) => Buffer.from(JSON.stringify({ after }), 'utf8').toString('base64url'));
  // JSON.stringify writes a lone surrogate as an escape; a raw one (invalid UTF-8) is tampering too.
  cursors.push(Buffer.from('{"after":"\uD800"}', 'utf8').toString('base64url'), Buffer.from('{"after":"a\\u0000"}', 'utf8').toString('base64url'));
  return cursors;
}

describe('every paginated operation refuses tampered cursors', () => {
  const paginated = sweepOperations.filter((operation) => operation.queryNames.includes('cursor'));
  test.each(paginated.map((operation) => [operationName(operation), operation] as const))('%s', async (_label, operation) => {
    const sorts = (operation.query?.properties?.sort?.enum as string[] | undefined) ?? [undefined];
    for (const sort of sorts) {
      // A relevance-sorted listing needs a search; a price filter needs its currency: make every key comparison reachable.
      const extra = sort ? `&sort=${sort}${operation.queryNames.includes('q') ? '&q=sample' : ''}` : '';
      for (const cursor of tamperedCursors(sort)) await send(operation, `cursor (sort ${sort})`, { query: ['cursor', `${cursor}${extra}`] });
    }
  });
});

test('the sweep reaches every kind of field', () => {
  const bodyFields = sweepOperations.flatMap((operation) => schemaFields(operation.body));
  expect(bodyFields.filter((field) => field.type === 'string').length).toBeGreaterThan(50);
  expect(bodyFields.filter((field) => field.type === 'integer').length).toBeGreaterThan(5);
  expect(sweepOperations.filter((operation) => operation.queryNames.includes('cursor')).length).toBeGreaterThan(8);
});
