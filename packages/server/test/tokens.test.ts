import { createDecoder } from 'fast-jwt';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createTokenService } from '../src/tokens.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';
const decode = createDecoder();

/** A token service on a clock the test moves. */
function onClock(startMs: number, accessTokenTtl = 900) {
  const clock = { ms: startMs };
  const tokens = createTokenService({ secret: SECRET, accessTokenTtl, now: () => clock.ms });
  return { clock, tokens };
}

describe('access tokens', () => {
  test('iat and exp come from the injected clock, on every token of one service', () => {
    const start = Date.now() + 3_600_000; // an hour ahead of real time, so a real-time clock would show
    const { clock, tokens } = onClock(start + 400, 900);
    const first = decode(tokens.signAccessToken({ userId: 'usr_1', role: 'customer', sessionId: 'ses_1' }));
    expect(first).toMatchObject({ sub: 'usr_1', role: 'customer', sid: 'ses_1', iss: 'tokobapak', aud: 'access' });
    expect(first.iat).toBe(Math.floor((start + 400) / 1000));
    expect(first.exp).toBe(Math.floor((start + 400) / 1000) + 900);

    // The signer is built once; it must not have kept the clock of the first token.
    clock.ms = start + 120_000;
    const second = decode(tokens.signAccessToken({ userId: 'usr_1', role: 'customer', sessionId: 'ses_1' }));
    expect(second.iat).toBe(Math.floor((start + 120_000) / 1000));
    expect(second.exp).toBe(second.iat + 900);
  });

  test('a token verifies until the clock passes its exp, then is TOKEN_EXPIRED', () => {
    const start = Date.now();
    const { clock, tokens } = onClock(start, 60);
    const token = tokens.signAccessToken({ userId: 'usr_2', role: 'admin', sessionId: 'ses_2', storeId: 'sto_1', storeRole: 'manager' });
    expect(tokens.verifyAccessToken(token)).toEqual({
      kind: 'user',
      userId: 'usr_2',
      role: 'admin',
      sessionId: 'ses_2',
      storeId: 'sto_1',
      storeRole: 'manager',
    });
    clock.ms = start + 59_000;
    expect(tokens.verifyAccessToken(token).userId).toBe('usr_2');
    clock.ms = start + 61_000;
    expect(() => tokens.verifyAccessToken(token)).toThrow(expect.objectContaining({ code: 'TOKEN_EXPIRED' }));
  });

  test('a token without a store carries no store claims', () => {
    const { tokens } = onClock(Date.now());
    const token = tokens.signAccessToken({ userId: 'usr_3', role: 'customer', sessionId: 'ses_3', storeId: null, storeRole: null });
    expect(decode(token)).not.toHaveProperty('st');
    expect(tokens.verifyAccessToken(token)).toMatchObject({ storeId: null, storeRole: null });
  });

  test('another secret, or a service credential, does not verify as an access token', () => {
    const { tokens } = onClock(Date.now());
    const other = createTokenService({ secret: `${SECRET}-other` });
    const token = other.signAccessToken({ userId: 'usr_4', role: 'customer', sessionId: 'ses_4' });
    expect(() => tokens.verifyAccessToken(token)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => tokens.verifyAccessToken(tokens.signServiceToken('cart'))).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});

describe('access tokens verified before', () => {
  test('are remembered by their whole text: an altered one is still refused, and each caller is a copy', () => {
    const { tokens } = onClock(Date.now());
    const token = tokens.signAccessToken({ userId: 'usr_5', role: 'customer', sessionId: 'ses_5' });
    const first = tokens.verifyAccessToken(token);
    // A handler changing the caller it got changes nothing for the next request.
    (first as { userId: string }).userId = 'usr_someone_else';
    expect(tokens.verifyAccessToken(token).userId).toBe('usr_5');
    const [header, , signature] = token.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ sub: 'usr_6', role: 'admin', sid: 'ses_5', iss: 'tokobapak', aud: 'access', exp: 9_999_999_999 })).toString('base64url')}.${signature}`;
    expect(() => tokens.verifyAccessToken(forged)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => tokens.verifyAccessToken(`${token}x`)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });
});

describe('service credentials', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('a credential verified before (and so remembered) still expires after its hour', () => {
    vi.useFakeTimers({ now: Date.UTC(2026, 11, 5, 12) });
    const tokens = createTokenService({ secret: SECRET });
    const credential = tokens.signServiceToken('cart');
    expect(tokens.verifyServiceToken(credential)).toEqual({ kind: 'service', service: 'cart' });
    vi.setSystemTime(Date.UTC(2026, 11, 5, 12, 59));
    expect(tokens.verifyServiceToken(credential)).toEqual({ kind: 'service', service: 'cart' });
    vi.setSystemTime(Date.UTC(2026, 11, 5, 13, 0, 1));
    expect(() => tokens.verifyServiceToken(credential)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
  });

  test('remembering a valid credential lets no altered or foreign one through', () => {
    const tokens = createTokenService({ secret: SECRET });
    const credential = tokens.signServiceToken('cart');
    expect(tokens.verifyServiceToken(credential).service).toBe('cart');
    const [header, , signature] = credential.split('.');
    const forged = `${header}.${Buffer.from(JSON.stringify({ svc: 'order', iss: 'tokobapak', aud: 'service' })).toString('base64url')}.${signature}`;
    expect(() => tokens.verifyServiceToken(forged)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(() => tokens.verifyServiceToken(`${credential}x`)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    const foreign = createTokenService({ secret: `${SECRET}-other` }).signServiceToken('cart');
    expect(() => tokens.verifyServiceToken(foreign)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    expect(tokens.verifyServiceToken(credential).service).toBe('cart');
  });
});
