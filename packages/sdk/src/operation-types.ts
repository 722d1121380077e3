/**
 * Type-level helpers that turn an openapi-typescript `operations` entry into the arguments and the
 * result of one client method. Types only: the runtime learns method, path, pagination,
 * idempotency, body type and response kind from the generated operation table. The result type
 * reads the response kind from the `operations` type itself (its success media types), by the
 * same rule the generator uses for the table, so it holds without the table's type too.
 *
 * `Desc` parameters are the operation's entry in that table (its literal type), which names the
 * file properties of a multipart body: openapi-typescript types `format: binary` as a plain
 * `string`, so the `operations` type alone cannot tell a file from a text field.
 */

type IsNever<T> = [T] extends [never] ? true : false;

/** The empty object type: `Empty extends T` holds when every property of `T` is optional. */
type Empty = Record<never, never>;

/** Flattens an intersection so editors show one object type. */
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** True when `K` is an optional key of `T` (or not a key at all). */
type IsOptionalKey<T, K extends PropertyKey> = K extends keyof T ? (Empty extends Pick<T, K> ? true : false) : true;

type ParametersOf<Op> = Op extends { parameters: infer P } ? P : Record<never, never>;

type ParameterGroup<Op, In extends string> = In extends keyof ParametersOf<Op> ? NonNullable<ParametersOf<Op>[In]> : never;

/**
 * One argument slot (`params` or `query`) for the parameters declared `in` one place:
 * required when the spec declares a required parameter there, optional when all are optional,
 * and `never` when the operation has none.
 */
type ParameterSlot<Op, In extends string, Slot extends string> =
  IsNever<ParameterGroup<Op, In>> extends true
    ? { [_ in Slot]?: never }
    : IsOptionalKey<ParametersOf<Op>, In> extends true
      ? { [_ in Slot]?: ParameterGroup<Op, In> }
      : Empty extends ParameterGroup<Op, In>
        ? { [_ in Slot]?: ParameterGroup<Op, In> }
        : { [_ in Slot]: ParameterGroup<Op, In> };

type HeaderGroup<Op> = Simplify<Omit<ParameterGroup<Op, 'header'>, 'Idempotency-Key'>>;

/** Declared header parameters (without `Idempotency-Key`, set through `idempotencyKey`) plus any others. */
type HeaderSlot<Op> =
  IsNever<ParameterGroup<Op, 'header'>> extends true
    ? { headers?: Record<string, string> }
    : [keyof HeaderGroup<Op>] extends [never]
      ? { headers?: Record<string, string> }
      : Empty extends HeaderGroup<Op>
        ? { headers?: HeaderGroup<Op> & Record<string, string> }
        : { headers: HeaderGroup<Op> & Record<string, string> };

type JsonContent<T> = T extends { content: infer C }
  ? C extends { 'application/json': infer B }
    ? B
    : C extends { 'application/problem+json': infer B }
      ? B
      : undefined
  : undefined;

type RequestBodyOf<Op> = 'requestBody' extends keyof Op ? NonNullable<Op['requestBody' & keyof Op]> : never;

/** What a file property of a `multipart/form-data` body accepts; bytes are sent as a file part named after the property. */
export type FileValue = Blob | File | Uint8Array;

/** The file properties the operation table names for an operation, or `undefined` when it names none (a table without types). */
type FilesOf<Desc> = Desc extends { readonly files: ReadonlyArray<infer Name> } ? Name : undefined;

/**
 * A multipart body as the caller writes it: the schema's file properties take {@link FileValue}s,
 * the others keep their type. Without a typed table entry every string property may also be a file.
 */
type MultipartBody<B, Desc> = Simplify<
  [FilesOf<Desc>] extends [undefined]
    ? { [K in keyof B]: B[K] extends string ? B[K] | FileValue : B[K] }
    : { [K in keyof B]: K extends FilesOf<Desc> ? FileValue : B[K] }
>;

type BodyContent<T, Desc> = T extends { content: { 'multipart/form-data': infer B } } ? MultipartBody<B, Desc> : JsonContent<T>;

/**
 * The request body of an operation as the client takes it: the spec's type for JSON; for
 * `multipart/form-data` the same with `format: binary` properties typed as {@link FileValue}.
 */
export type OperationBody<Op, Desc = unknown> = BodyContent<RequestBodyOf<Op>, Desc>;

type BodySlot<Op, Desc> =
  IsNever<RequestBodyOf<Op>> extends true
    ? { body?: never }
    : IsOptionalKey<Op, 'requestBody'> extends true
      ? { body?: OperationBody<Op, Desc> }
      : { body: OperationBody<Op, Desc> };

/** True when the operation declares the `Idempotency-Key` header parameter. */
type IsIdempotent<Op> =
  IsNever<ParameterGroup<Op, 'header'>> extends true ? false : 'Idempotency-Key' extends keyof ParameterGroup<Op, 'header'> ? true : false;

type IdempotencySlot<Op> =
  IsIdempotent<Op> extends true
    ? {
        /** Sent as `Idempotency-Key`; a random UUID is used when omitted. Reuse it to retry safely. */
        idempotencyKey?: string;
      }
    : { idempotencyKey?: never };

/**
 * The argument of `client.<service>.<operation>(args)`: `params` (path), `query`, `headers`,
 * `body`, `idempotencyKey` and `signal`, each required exactly when the operation requires it.
 */
export type OperationArgs<Op, Desc = unknown> = Simplify<
  ParameterSlot<Op, 'path', 'params'> &
    ParameterSlot<Op, 'query', 'query'> &
    HeaderSlot<Op> &
    BodySlot<Op, Desc> &
    IdempotencySlot<Op> & {
      /** Aborts the request (and a token refresh it waits for does not continue it). */
      signal?: AbortSignal;
    }
>;

type ResponsesOf<Op> = Op extends { responses: infer R } ? R : never;

type NoContentStatus = 204 | 205;
type RedirectStatus = 301 | 302 | 303 | 307 | 308;
type SuccessStatus = 200 | 201 | 202 | 203 | 206 | NoContentStatus | RedirectStatus;
type NotModifiedStatus = 304;

/** What a redirect response resolves to. */
export interface RedirectResult {
  /** The `Location` header of the redirect. */
  location: string;
}

/**
 * What a binary success response resolves to: an operation whose success content is not JSON
 * (`image/webp`, `application/octet-stream`, `text/csv`). The whole body is read into a `Blob`.
 *
 * @example
 * const variant = await client.imageProxy.getVariant({ params: { imageId, variant: 'card' } });
 * if (!variant.notModified) await writeFile('card.webp', new Uint8Array(await variant.body.arrayBuffer()));
 */
export interface BinaryResult<MediaType extends string = string> {
  /** Always `false`: tells this apart from a {@link NotModifiedResult}. */
  notModified: false;
  /** The HTTP status (200 unless the spec says otherwise). */
  status: number;
  /** The bytes; `body.type` is the response's `Content-Type`. */
  body: Blob;
  /**
   * The response's media type, lower case and without parameters (`image/webp`), typed as the media
   * types the spec declares; `application/octet-stream` when the response names none.
   */
  contentType: MediaType;
  /** The `ETag` header, when the response has one (in browsers, only if CORS exposes it). */
  etag?: string;
  /** Every response header (`cache-control`, `content-disposition`, …). */
  headers: Headers;
}

/**
 * What `304 Not Modified` resolves to, on operations whose spec declares it: the copy named by the
 * `If-None-Match` the caller sent is still current. Other operations throw on 304.
 */
export interface NotModifiedResult {
  notModified: true;
  status: 304;
  /** The current `ETag`, when the response repeats it. */
  etag?: string;
  headers: Headers;
}

type MediaTypesOf<Response> = Response extends { content: infer C } ? (IsNever<C> extends true ? never : keyof C & string) : never;

/** Media types the client reads as JSON: `application/json`, `application/problem+json`, any other `…/json` or `…+json`. */
type JsonMediaType = `${string}${'/' | '+'}json${'' | `;${string}` | ` ${string}`}`;

// A declared media type as a value: a range `image/*` is any `image/…`, and `*/*` is any string.
type MediaTypeValue<M extends string> = M extends '*/*' ? string : M extends `${infer Type}/*` ? `${Type}/${string}` : M;

/**
 * The body a success response resolves to: the JSON type, or a {@link BinaryResult} when the
 * response declares only non-JSON content. `pnpm generate` applies the same rule to the operation
 * table's `response` kind (and refuses an operation whose success responses mix the two).
 */
type BodyResult<Response> = [Exclude<MediaTypesOf<Response>, JsonMediaType>] extends [never]
  ? JsonResponseBody<Response>
  : BinaryResult<MediaTypeValue<Exclude<MediaTypesOf<Response>, JsonMediaType>>>;

/** A JSON response body: `application/json` first, then `application/problem+json`, then any other JSON media type. */
type JsonResponseBody<Response> = Response extends { content: infer C }
  ? C extends { 'application/json': infer B }
    ? B
    : C extends { 'application/problem+json': infer B }
      ? B
      : [Extract<keyof C, JsonMediaType>] extends [never]
        ? undefined
        : C[Extract<keyof C, JsonMediaType>]
  : undefined;

type ResultOf<Status, Response> = Status extends NoContentStatus
  ? undefined
  : Status extends RedirectStatus
    ? RedirectResult
    : Status extends NotModifiedStatus
      ? NotModifiedResult
      : BodyResult<Response>;

/**
 * What the client method resolves to: the body of a success response (`undefined` for 204,
 * {@link BinaryResult} for non-JSON content, {@link NotModifiedResult} for a declared 304).
 */
export type OperationResult<Op> = {
  [S in keyof ResponsesOf<Op>]: S extends SuccessStatus | NotModifiedStatus ? ResultOf<S, ResponsesOf<Op>[S]> : never;
}[keyof ResponsesOf<Op>];

/** The item type of a paginated operation (`{ items, nextCursor }`), `never` for any other. */
export type PageItem<Op> = ItemsOf<OperationResult<Op>>;

type ItemsOf<Result> = Result extends { items: Array<infer Item>; nextCursor: unknown } ? Item : never;

/** Calls one operation; the argument may be left out when nothing in it is required. */
export type OperationCall<Op, Desc = unknown> =
  Empty extends OperationArgs<Op, Desc>
    ? (args?: OperationArgs<Op, Desc>) => Promise<OperationResult<Op>>
    : (args: OperationArgs<Op, Desc>) => Promise<OperationResult<Op>>;

/** `iterate()` on paginated operations: every item of every page, following `nextCursor`. */
export interface Paginated<Op, Desc = unknown> {
  /** Yields the items of every page in order, starting at `query.cursor` when given. */
  iterate: Empty extends OperationArgs<Op, Desc>
    ? (args?: OperationArgs<Op, Desc>) => AsyncIterableIterator<PageItem<Op>>
    : (args: OperationArgs<Op, Desc>) => AsyncIterableIterator<PageItem<Op>>;
}

/** One client method: callable, plus `iterate()` when the operation is paginated. */
export type OperationMethod<Op, Desc = unknown> = OperationCall<Op, Desc> & (IsNever<PageItem<Op>> extends true ? unknown : Paginated<Op, Desc>);

type Entry<Table, Key> = Key extends keyof Table ? Table[Key] : unknown;

/** One namespace of the client: a method per operation of the service (`Table`: the service's operation table entries). */
export type ServiceClient<Ops, Table = unknown> = { [Id in keyof Ops]: OperationMethod<Ops[Id], Entry<Table, Id>> };

/**
 * A client over a map of service name → openapi-typescript `operations`. Pass the operation
 * table's type as `Table` (`typeof operationTable`) so multipart bodies know their file properties.
 */
export type ClientOf<Services, Table = unknown> = { [Service in keyof Services]: ServiceClient<Services[Service], Entry<Table, Service>> };
