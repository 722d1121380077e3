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
