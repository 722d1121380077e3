/**
 * Coded errors rendered as RFC 9457 problem+json. Each package declares one catalogue with
 * {@link defineErrors}; the server renders any thrown {@link ProblemError} with its status and code.
 */

/** One entry of an error catalogue. */
export interface ErrorSpec {
  status: number;
  title: string;
}

/** Extra, request-specific facts about a problem. */
export interface ProblemDetails {
  detail?: string;
  /** Per-field validation errors, keyed by JSON pointer. */
  errors?: Array<{ pointer: string; message: string }>;
  /** Response headers to send with the problem (e.g. Retry-After). */
  headers?: Record<string, string>;
}

// Registered globally (Symbol.for), so that a store with two copies of this package (a plugin that
// brought its own) still recognises the other copy's errors: `instanceof` alone compares classes.
const PROBLEM_ERROR = Symbol.for('tokobapak.problem-error');

/**
 * A thrown error that the server turns into a problem+json response. `instanceof ProblemError` is
 * true for a ProblemError of any copy of `@tokobapak/server` (see {@link isProblemError}).
 */
export class ProblemError extends Error {
  /** The cross-copy brand: any copy of the package sets it. */
  readonly [PROBLEM_ERROR] = true;

  /** Recognises ProblemErrors of every copy of the package; subclasses keep the ordinary prototype check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`, possibly a subclass
    if (this !== ProblemError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isProblemError(value);
  }

  constructor(
    readonly code: string,
    readonly status: number,
    readonly title: string,
    readonly details: ProblemDetails = {},
  ) {
    super(details.detail ?? title);
    this.name = 'ProblemError';
  }

  /** The problem+json body (never includes a stack trace). */
  toProblem(instance?: string): Problem {
    const body: Problem = {
      type: `https://tokobapak.dev/problems/${this.code.toLowerCase().replaceAll('_', '-')}`,
      title: this.title,
      status: this.status,
      code: this.code,
    };
    if (this.details.detail !== undefined) body.detail = this.details.detail;
    if (this.details.errors !== undefined) body.errors = this.details.errors;
    if (instance !== undefined) body.instance = instance;
    return body;
  }
}

/**
 * True for a {@link ProblemError} thrown by any copy of `@tokobapak/server`, so a plugin that
 * resolved its own copy still gets its coded errors rendered with their status and code.
 *
 * @example
 * if (isProblemError(error) && error.code === 'CART_NOT_FOUND') return undefined;
 */
export function isProblemError(value: unknown): value is ProblemError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { [PROBLEM_ERROR]?: unknown; code?: unknown; status?: unknown; toProblem?: unknown };
  return (
    candidate[PROBLEM_ERROR] === true && typeof candidate.code === 'string' && typeof candidate.status === 'number' && typeof candidate.toProblem === 'function'
  );
}

/** The problem+json body shape shared by every service. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: Array<{ pointer: string; message: string }>;
}

/** A catalogue: every code maps to a factory that builds the matching {@link ProblemError}. */
export type ErrorCatalogue<C extends string> = { readonly [K in C]: (details?: ProblemDetails | string) => ProblemError } & {
  readonly specs: Readonly<Record<C, ErrorSpec>>;
};

/**
 * Declares a package's error catalogue.
 *
 * @example
 * const errors = defineErrors({ CART_NOT_FOUND: { status: 404, title: 'Cart not found' } });
 * throw errors.CART_NOT_FOUND('cart_01H... does not exist');
 */
export function defineErrors<C extends string>(specs: Record<C, ErrorSpec>): ErrorCatalogue<C> {
  const catalogue: Record<string, unknown> = { specs };
  for (const [code, spec] of Object.entries(specs) as Array<[C, ErrorSpec]>) {
    catalogue[code] = (details?: ProblemDetails | string) =>
      new ProblemError(code, spec.status, spec.title, typeof details === 'string' ? { detail: details } : details);
  }
  return catalogue as ErrorCatalogue<C>;
}

/** Errors raised by the runtime itself, before or around any handler. */
export const platformErrors = defineErrors({
  BAD_REQUEST: { status: 400, title: 'The request cannot be processed' },
  VALIDATION_FAILED: { status: 400, title: 'The request is not valid' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body must be application/json' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNAUTHENTICATED: { status: 401, title: 'Credentials are missing or invalid' },
  TOKEN_EXPIRED: { status: 401, title: 'The access token has expired' },
  FORBIDDEN: { status: 403, title: 'The caller may not perform this operation' },
  INSUFFICIENT_SCOPE: { status: 403, title: 'The API key lacks a scope this operation needs' },
  STORE_CONTEXT_REQUIRED: { status: 403, title: 'This operation acts inside a store: use a store session or a store-scoped API key' },
  SERVICE_CREDENTIAL_REQUIRED: { status: 403, title: 'Only other services may call this operation: send a service credential' },
  CORS_NOT_ENABLED: { status: 403, title: 'Cross-origin browser calls are not enabled on this server' },
  NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed on this route' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'The idempotency key was used with a different request' },
  IDEMPOTENCY_IN_PROGRESS: { status: 409, title: 'A request with this idempotency key is still being processed' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'A service this operation needs is unavailable' },
  SERVICE_CALL_IN_TRANSACTION: { status: 500, title: 'A service was called inside a database transaction' },
  INTERNAL: { status: 500, title: 'Internal server error' },
});
