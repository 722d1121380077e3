import { isServiceNotDeployed, ProblemError } from '@tokobapak/server';

// As for the shipping service: a restarted process is usually back within seconds.
const CART_RETRY_AFTER_SECONDS = 5;

type Answered = { status?: unknown; code?: string; title?: string; message?: string; problem?: { code?: string; title?: string; detail?: string } };

/**
 * The cart could not be read for the checkout because a service was down: the cart's promotion
 * service (`CART_PROMOTIONS_UNAVAILABLE`: a cart priced without its discounts must not be bought
 * at full price) or the cart service itself. The checkout refuses with the same code, before
 * anything is held, with a `Retry-After` (a client's error carries the problem, not its headers).
 * Any other error is returned as it is.
 */
export function cartUnavailable(error: unknown): unknown {
  const answered = error as Answered;
  if (answered?.status !== 503 || isServiceNotDeployed(error)) return error;
  const code = answered.problem?.code ?? answered.code ?? 'SERVICE_UNAVAILABLE';
  const title = answered.problem?.title ?? answered.title ?? 'The cart could not be read';
  return new ProblemError(code, 503, title, {
    detail: `${answered.problem?.detail ?? answered.message ?? title}; nothing is held: try again shortly`,
    headers: { 'retry-after': String(CART_RETRY_AFTER_SECONDS) },
  });
}
