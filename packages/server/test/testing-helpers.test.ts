import { TokoBapakError } from '@tokobapak/sdk';
import { describe, expect, test } from 'vitest';
import { eventually, expectProblem, expectProblemResponse, manualClock } from '../src/testing/index.js';

const refusal = () => new TokoBapakError('cart.getCart', { type: 'about:blank', title: 'No such cart', status: 404, code: 'CART_NOT_FOUND', detail: 'cart_1' });

describe('the shared test helpers fail with a message naming what happened', () => {
  test('expectProblem returns the problem, and says what came instead', async () => {
    expect(await expectProblem(Promise.reject(refusal()), 404, 'CART_NOT_FOUND')).toMatchObject({ detail: 'cart_1' });
    await expect(expectProblem(Promise.resolve({}), 404, 'CART_NOT_FOUND')).rejects.toThrow(
      'expected the call to fail with 404 CART_NOT_FOUND, but it succeeded',
    );
    await expect(expectProblem(Promise.reject(refusal()), 409, 'CART_LOCKED')).rejects.toThrow('but it failed with 404 CART_NOT_FOUND: cart_1');
    await expect(expectProblem(Promise.reject(new TypeError('fetch failed')), 404, 'CART_NOT_FOUND')).rejects.toThrow('but it threw TypeError: fetch failed');
  });

  test('expectProblemResponse checks the media type, the code and that no stack trace leaks', () => {
    const body = JSON.stringify({ type: 'about:blank', title: 'No', status: 404, code: 'CART_NOT_FOUND' });
    const problem = { statusCode: 404, headers: { 'content-type': 'application/problem+json; charset=utf-8' }, body };
    expect(expectProblemResponse(problem, 404, 'CART_NOT_FOUND')).toMatchObject({ code: 'CART_NOT_FOUND' });
    expect(() => expectProblemResponse({ ...problem, headers: { 'content-type': 'application/json' } }, 404, 'CART_NOT_FOUND')).toThrow(
      'expected a problem+json',
    );
    expect(() => expectProblemResponse(problem, 409, 'CART_LOCKED')).toThrow('got 404 CART_NOT_FOUND');
    const leaky = JSON.stringify({ status: 500, code: 'INTERNAL', detail: 'at handler (/app/src/cart.ts:12:3)' });
    expect(() => expectProblemResponse({ ...problem, statusCode: 500, body: leaky }, 500, 'INTERNAL')).toThrow('stack trace');
  });

  test('eventually retries until the check passes, then gives up with the last failure', async () => {
    let calls = 0;
    expect(await eventually(async () => (++calls < 3 ? Promise.reject(new Error('not yet')) : calls))).toBe(3);
    await expect(eventually(() => Promise.reject(new Error('never')), 120)).rejects.toThrow('never');
  });

  test('manualClock moves only when told', () => {
    const clock = manualClock('2030-01-01T00:00:00.000Z');
    clock.advance(90_000);
    expect(clock.now().toISOString()).toBe('2030-01-01T00:01:30.000Z');
    clock.set('2031-05-05T05:05:05.000Z');
    expect(clock.now().toISOString()).toBe('2031-05-05T05:05:05.000Z');
  });
});
