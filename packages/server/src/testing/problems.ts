import { type Problem, TokoBapakError } from '@tokobapak/sdk';

/**
 * Awaits an SDK call that must fail with this status and problem code, and returns the problem body
 * (for its `detail` or per-field `errors`). Throws, naming what happened instead, otherwise.
 *
 * @example
 * const problem = await expectProblem(client.cart.getCart({ params: { cartId } }), 404, 'CART_NOT_FOUND');
 * expect(problem.detail).toContain(cartId);
 */
export async function expectProblem(call: Promise<unknown>, status: number, code: string): Promise<Problem> {
  let failure: unknown;
  try {
    await call;
  } catch (error) {
    failure = error;
  }
  const wanted = `${status} ${code}`;
  if (failure === undefined) throw new Error(`expected the call to fail with ${wanted}, but it succeeded`);
  if (!(failure instanceof TokoBapakError)) throw new Error(`expected the call to fail with ${wanted}, but it threw ${String(failure)}`, { cause: failure });
  if (failure.status !== status || failure.code !== code) {
    throw new Error(
      `expected the call to fail with ${wanted}, but it failed with ${failure.status} ${failure.code}: ${failure.problem.detail ?? failure.problem.title}`,
      {
        cause: failure,
      },
    );
  }
  return failure.problem;
}

/** The parts of an `app.inject()` response a problem check reads. */
export interface InjectedResponse {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
}

/**
 * Checks that an `app.inject()` response is an application/problem+json answer with this status and
 * code and no stack trace in it, and returns the problem body.
 *
 * @example
 * const response = await server.app.inject({ method: 'GET', url: '/cart/carts/nope' });
 * expectProblemResponse(response, 404, 'CART_NOT_FOUND');
 */
export function expectProblemResponse(response: InjectedResponse, status: number, code: string): Problem {
  const wanted = `${status} ${code}`;
  const contentType = String(response.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/problem+json')) {
    throw new Error(`expected a problem+json ${wanted}, got ${response.statusCode} ${contentType || 'without a content type'}: ${response.body.slice(0, 500)}`);
  }
  const problem = JSON.parse(response.body) as Problem;
  if (response.statusCode !== status || problem.status !== status || problem.code !== code) {
    throw new Error(`expected a problem+json ${wanted}, got ${response.statusCode} ${problem.code}: ${response.body.slice(0, 500)}`);
  }
  if (/at .*\.(ts|js):\d+/.test(response.body)) throw new Error(`the problem carries a stack trace: ${response.body.slice(0, 500)}`);
  return problem;
}
