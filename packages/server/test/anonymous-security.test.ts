import { describe, expect, test } from 'vitest';
import { authenticate } from '../src/security.js';
import { readOperations, type SecurityRequirement } from '../src/spec-routes.js';
import { createTokenService } from '../src/tokens.js';

const tokens = createTokenService({ secret: 'a-secret-of-at-least-thirty-two-bytes-0123456789' });
const noKeys = async () => null;
const customerOrAnyone: SecurityRequirement[] = [
  { scheme: 'bearerAuth', scopes: ['customer'] },
  { scheme: 'anonymous', scopes: [] },
];

describe('the empty security alternative {}', () => {
  test('the spec reader reads {} as anonymous', () => {
    const [operation] = readOperations('demo', {
      openapi: '3.1.0',
      info: { title: 'demo', version: '0' },
      paths: { '/demo/x': { get: { operationId: 'x', security: [{ bearerAuth: ['customer'] }, {}], responses: { '200': { description: 'ok' } } } } },
    });
    expect(operation?.security).toEqual(customerOrAnyone);
  });

  test('no credential at all is a guest; a valid one is its caller', async () => {
    expect(await authenticate(customerOrAnyone, {}, tokens, noKeys)).toEqual({ kind: 'guest' });
    const token = tokens.signAccessToken({ userId: 'usr_1', role: 'customer', sessionId: 'ses_1' });
    expect(await authenticate(customerOrAnyone, { authorization: `Bearer ${token}` }, tokens, noKeys)).toMatchObject({ kind: 'user', userId: 'usr_1' });
  });

  test('a bad token is a 401 and the wrong role a 403, never a fall-back to guest', async () => {
    await expect(authenticate(customerOrAnyone, { authorization: 'Bearer nonsense' }, tokens, noKeys)).rejects.toMatchObject({ status: 401 });
    const admin = tokens.signAccessToken({ userId: 'usr_2', role: 'admin', sessionId: 'ses_2' });
    await expect(authenticate(customerOrAnyone, { authorization: `Bearer ${admin}` }, tokens, noKeys)).rejects.toMatchObject({ status: 403 });
    await expect(authenticate(customerOrAnyone, { serviceCredential: 'forged' }, tokens, noKeys)).rejects.toMatchObject({ status: 401 });
  });
});
