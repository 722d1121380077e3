/**
 * An error body as the services send it: RFC 9457 problem details with a stable `code` (the shape
 * of `Problem` in `openapi/components/common.yaml`). When a response carries no problem body, the
 * client fills `type`, `title`, `status` and `code` (`HTTP_<status>`) itself.
 */
export interface Problem {
  type: string;
  title: string;
  status: number;
  /** Stable machine-readable code (`AUTH_INVALID_CREDENTIALS`, `VALIDATION_FAILED`, …). */
  code: string;
  detail?: string;
  instance?: string;
  /** Per-field problems, for validation errors. */
  errors?: Array<{ pointer: string; message: string }>;
  [extension: string]: unknown;
}

// Registered globally (Symbol.for): a plugin may resolve another copy of the SDK than the server
// that built its service client, and `instanceof` alone compares classes.
const TOKOBAPAK_ERROR = Symbol.for('tokobapak.sdk-error');

/**
 * Thrown for every non-2xx response. Branch on `code`, which is stable; `message` is for people.
 *
 * @example
 * try {
 *   await client.auth.login({ body: { email, password } });
 * } catch (error) {
 *   if (error instanceof TokoBapakError && error.code === 'AUTH_INVALID_CREDENTIALS') showLoginError();
 *   else throw error;
 * }
 */
export class TokoBapakError extends Error {
  override readonly name = 'TokoBapakError';
  /** The cross-copy brand: any copy of the package sets it. */
  readonly [TOKOBAPAK_ERROR] = true;
  /** The HTTP status of the response. */
  readonly status: number;
  /** The problem's stable `code`, or `HTTP_<status>` when the response had no problem body. */
  readonly code: string;
  /** The parsed `application/problem+json` body. */
  readonly problem: Problem;
  /** Which operation failed, as `<service>.<operationId>` (`auth.login`). */
  readonly operation: string;

  constructor(operation: string, problem: Problem, options?: ErrorOptions) {
    super(`${operation} failed with ${problem.status} ${problem.code}: ${problem.detail ?? problem.title}`, options);
    this.status = problem.status;
    this.code = problem.code;
    this.problem = problem;
    this.operation = operation;
  }

  /** Recognises TokoBapakErrors of every copy of the SDK; subclasses keep the ordinary prototype check. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class on the right of `instanceof`, possibly a subclass
    if (this !== TokoBapakError) return Function.prototype[Symbol.hasInstance].call(this, value);
    if (typeof value !== 'object' || value === null) return false;
    const candidate = value as { [TOKOBAPAK_ERROR]?: unknown; status?: unknown; code?: unknown };
    return candidate[TOKOBAPAK_ERROR] === true && typeof candidate.status === 'number' && typeof candidate.code === 'string';
  }
}

/** Reads an error response into a {@link TokoBapakError}, whatever its body is. */
export async function errorFromResponse(operation: string, response: Response): Promise<TokoBapakError> {
  const text = await response.text().catch(() => '');
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  const problem: Problem = {
    ...body,
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: typeof body.title === 'string' ? body.title : response.statusText || `HTTP ${response.status}`,
    status: response.status,
    code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
  };
  if (problem.detail === undefined && parsed === undefined && text !== '') problem.detail = text.slice(0, 500);
  return new TokoBapakError(operation, problem);
}
