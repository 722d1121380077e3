import type { ResponseBody, SuccessStatus } from './operation-types.js';

/**
 * An explicit response from a handler: use it when an operation declares more than one success
 * status, needs a redirect, or sets response headers. Returning a plain value means "the first
 * declared success status with this body".
 */
export class Reply<S extends number = number, B = unknown> {
  constructor(
    readonly status: S,
    readonly body: B,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** Builds a typed {@link Reply} for operation `Op`. */
export function reply<Op, S extends SuccessStatus<Op>>(status: S, body: ResponseBody<Op, S>, headers?: Record<string, string>): Reply<S, ResponseBody<Op, S>> {
  return new Reply(status, body, headers);
}

/** A redirect (302 by default) to `location`, for operations that declare a 3xx response. */
export function redirect(location: string, status: 302 | 303 = 302): Reply<302 | 303, undefined> {
  return new Reply(status, undefined, { location });
}
