import { TokoBapakError } from '@tokobapak/sdk';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { definePlugin, isProblemError, ProblemError } from '../src/index.js';
import { createTestServer, type TestServer } from '../src/testing/index.js';

// A store can end up with two copies of the runtime (a plugin that resolved its own): a query
// string makes the module loader evaluate the files again, giving classes that are not ours.
type ErrorsModule = typeof import('../src/errors.js');
type SdkErrorsModule = typeof import('../../sdk/src/errors.js');
const otherCopy = (await import(/* @vite-ignore */ `../src/errors.ts?copy=${Date.now()}`)) as ErrorsModule;
const otherSdk = (await import(/* @vite-ignore */ `../../sdk/src/errors.ts?copy=${Date.now()}`)) as SdkErrorsModule;
const foreignErrors = otherCopy.defineErrors({ PARCEL_LOST: { status: 410, title: 'The parcel is lost' } });

let server: TestServer;

beforeAll(async () => {
  const plugin = definePlugin<any, any>({
    name: 'parcel',
    summary: 'throws errors of another copy of the runtime',
    spec: {
      openapi: '3.1.0',
      info: { title: 'parcel', version: '0' },
      paths: { '/parcel/lost': { get: { operationId: 'lost', security: [], responses: { '200': { description: 'never' } } } } },
    },
    migrations: {},
    handlers: {
      async lost() {
        throw foreignErrors.PARCEL_LOST('Parcel prc_1 was last seen in Surabaya');
      },
    },
  });
  server = await createTestServer({ plugins: [plugin] });
});
afterAll(async () => {
  await server?.close();
});

describe('coded errors across two copies of the packages', () => {
  test('the second copy is really another class', () => {
    expect(otherCopy.ProblemError).not.toBe(ProblemError);
    expect(otherSdk.TokoBapakError).not.toBe(TokoBapakError);
  });

  test('a ProblemError of the other copy is rendered with its own status and code, not as a 500', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/parcel/lost' });
    expect(response.statusCode).toBe(410);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.json()).toMatchObject({ status: 410, code: 'PARCEL_LOST', detail: 'Parcel prc_1 was last seen in Surabaya' });
  });

  test('instanceof and isProblemError recognise either copy; plain look-alikes are not taken', () => {
    const foreign = foreignErrors.PARCEL_LOST();
    expect(foreign instanceof ProblemError).toBe(true);
    expect(isProblemError(foreign)).toBe(true);
    expect(new ProblemError('X', 400, 'x') instanceof otherCopy.ProblemError).toBe(true);
    expect(isProblemError({ code: 'X', status: 400, toProblem() {} })).toBe(false);
    expect(new Error('x') instanceof ProblemError).toBe(false);
    class Narrower extends ProblemError {}
    expect(foreign instanceof Narrower).toBe(false);
  });

  test('a TokoBapakError of another SDK copy is a TokoBapakError here', () => {
    const foreign = new otherSdk.TokoBapakError('auth.login', { type: 'about:blank', title: 'No', status: 401, code: 'AUTH_INVALID_CREDENTIALS' });
    expect(foreign instanceof TokoBapakError).toBe(true);
    expect({ name: 'TokoBapakError', status: 401, code: 'X' } instanceof TokoBapakError).toBe(false);
  });
});
