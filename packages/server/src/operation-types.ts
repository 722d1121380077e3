/**
 * Type-level helpers that turn an openapi-typescript `operations` entry into the shapes a handler
 * receives and returns. Everything here is types only: the runtime learns the same facts from the
 * spec document at start-up.
 */

import type { UploadedFile } from './multipart.js';

type JsonContent<T> = T extends { content: { 'application/json': infer B } }
  ? B
  : T extends { content: { 'application/problem+json': infer B } }
    ? B
    : undefined;

/** Path parameters of an operation (`{}` when it has none). */
export type PathParams<Op> = Op extends { parameters: { path: infer P } }
  ? [P] extends [never | undefined]
    ? Record<string, never>
    : P
  : Record<string, never>;

/** Query parameters of an operation, after coercion by the validator. */
export type QueryParams<Op> = Op extends { parameters: { query?: infer Q } }
  ? [Q] extends [never | undefined]
    ? Record<string, never>
    : NonNullable<Q>
  : Record<string, never>;

/** Header parameters declared by the operation (lower-cased names as the spec gives them). */
export type HeaderParams<Op> = Op extends { parameters: { header?: infer H } }
  ? [H] extends [never | undefined]
    ? Record<string, never>
    : NonNullable<H>
  : Record<string, never>;

/**
 * A `multipart/form-data` body as the runtime hands it over: text fields stay strings, and a string
 * field (binary ones are strings to openapi-typescript) may be a file part.
 */
type MultipartContent<B> = { [K in keyof B]: B[K] extends string ? string | UploadedFile : B[K] };

type BodyContent<T> = T extends { content: { 'multipart/form-data': infer B } } ? MultipartContent<B> : JsonContent<T>;

/** The request body (JSON, or parsed multipart), or `undefined` when the operation takes none. */
export type RequestBody<Op> = Op extends { requestBody: infer R }
  ? BodyContent<R>
  : Op extends { requestBody?: infer R }
    ? BodyContent<NonNullable<R>> | undefined
    : undefined;

type SuccessCode = 200 | 201 | 202 | 204 | 302 | 303;

/** The success status codes an operation declares. */
export type SuccessStatus<Op> = Op extends { responses: infer R } ? Extract<keyof R, SuccessCode> : never;

/** The body of one response of an operation. */
export type ResponseBody<Op, S> = Op extends { responses: infer R } ? (S extends keyof R ? JsonContent<R[S]> : never) : never;

/** The body of the operation's first declared success response (what a handler returns by default). */
export type DefaultBody<Op> = ResponseBody<Op, FirstSuccess<Op>>;

type FirstSuccess<Op> =
  200 extends SuccessStatus<Op>
    ? 200
    : 201 extends SuccessStatus<Op>
      ? 201
      : 202 extends SuccessStatus<Op>
        ? 202
        : 204 extends SuccessStatus<Op>
          ? 204
          : SuccessStatus<Op>;
