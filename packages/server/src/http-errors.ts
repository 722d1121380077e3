import type { ErrorObject } from 'ajv/dist/2020.js';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError, platformErrors } from './errors.js';
import { describeValidationErrors } from './validation.js';

/** Maps anything thrown during a request to a {@link ProblemError}; unknown errors become a bare 500. */
export function toProblemError(error: unknown): ProblemError {
  if (error instanceof ProblemError) return error;
  const downstream = fromDownstream(error);
  if (downstream) return downstream;
  const fastifyError = error as Partial<FastifyError> & { validationContext?: string };
  if (fastifyError.validation) return validationProblem(fastifyError.validationContext ?? 'body', fastifyError.validation as never);
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return platformErrors.UNSUPPORTED_MEDIA_TYPE();
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return platformErrors.PAYLOAD_TOO_LARGE();
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return platformErrors.MALFORMED_JSON('The body is empty but its content type is application/json');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return platformErrors.MALFORMED_JSON();
  }
  const status = fastifyError.statusCode;
  if (error instanceof SyntaxError && status === 400) return platformErrors.MALFORMED_JSON();
  if (status === 404) return platformErrors.NOT_FOUND();
  if (status === 405) return platformErrors.METHOD_NOT_ALLOWED();
  if (status === 413) return platformErrors.PAYLOAD_TOO_LARGE();
  if (status === 415) return platformErrors.UNSUPPORTED_MEDIA_TYPE();
  if (status !== undefined && status >= 400 && status < 500) return platformErrors.BAD_REQUEST(fastifyError.message);
  return platformErrors.INTERNAL();
}

/** The 400 for a request part (`body`, `querystring`, `params`, `headers`) that failed its schema, each failure pointing at its field. */
export function validationProblem(part: string, errors: ErrorObject[] | null | undefined): ProblemError {
  return platformErrors.VALIDATION_FAILED({ detail: 'One or more fields are not valid', errors: describeValidationErrors(part, errors) });
}

/**
 * A problem another service answered through the SDK: its 4xx passes through with its own code
 * (the caller made the mistake); a 5xx or unreachable service becomes 503 here.
 */
function fromDownstream(error: unknown): ProblemError | undefined {
  const candidate = error as { name?: string; status?: number; problem?: { code?: string; title?: string; detail?: string } };
  if (candidate?.name !== 'TokoBapakError' || typeof candidate.status !== 'number') return undefined;
  if (candidate.status >= 500 || !candidate.problem?.code) return platformErrors.SERVICE_UNAVAILABLE();
  return new ProblemError(
    candidate.problem.code,
    candidate.status,
    candidate.problem.title ?? 'Request refused',
    candidate.problem.detail ? { detail: candidate.problem.detail } : {},
  );
}

/** Answers `error` as problem+json: no stack trace, no internal message on a 500. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const problem = toProblemError(error);
  if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
  for (const [name, value] of Object.entries(problem.details.headers ?? {})) reply.header(name, value);
  void reply
    .code(problem.status)
    .type('application/problem+json')
    .send(problem.toProblem(request.url.split('?')[0]));
}

/** Every error leaves as problem+json (errors Fastify raises before routing go through `frameworkErrors: sendProblem`). */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler(sendProblem);
  app.setNotFoundHandler((request, reply) => {
    void reply
      .code(404)
      .type('application/problem+json')
      .send(platformErrors.NOT_FOUND(`No route for ${request.method} ${request.url.split('?')[0]}`).toProblem());
  });
}
