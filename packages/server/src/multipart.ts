/**
 * `multipart/form-data` request bodies: the runtime parses them into a plain object whose text
 * fields are strings and whose file fields are {@link UploadedFile}s, so a handler sees an upload
 * like any other validated body.
 */

/** One file part of a `multipart/form-data` body, held in memory (the route's body limit bounds it). */
export interface UploadedFile {
  /** The file name the client sent (`''` when it sent none). */
  filename: string;
  /** The part's declared content type; a client's claim, never proof of what the bytes are. */
  contentType: string;
  bytes: Buffer;
}

/** True when a multipart body value is a file part rather than a text field. */
export function isUploadedFile(value: unknown): value is UploadedFile {
  const candidate = value as Partial<UploadedFile> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.filename === 'string' && Buffer.isBuffer(candidate.bytes);
}

/** A parsed multipart body: one entry per field name; a repeated name gives an array. */
export type MultipartBody = Record<string, string | UploadedFile | Array<string | UploadedFile>>;

/**
 * Parses a buffered `multipart/form-data` body with the platform's own form-data parser (undici's,
 * as `Response#formData`), so the runtime needs no multipart dependency.
 */
export async function parseMultipart(contentType: string, payload: Buffer): Promise<MultipartBody> {
  let form: FormData;
  try {
    form = await new Response(new Uint8Array(payload), { headers: { 'content-type': contentType } }).formData();
  } catch {
    throw Object.assign(new Error('The multipart/form-data body could not be parsed'), { statusCode: 400 });
  }
  const body: MultipartBody = {};
  for (const [name, value] of form.entries()) {
    const item: string | UploadedFile =
      typeof value === 'string'
        ? value
        : { filename: value.name, contentType: value.type || 'application/octet-stream', bytes: Buffer.from(await value.arrayBuffer()) };
    const existing = body[name];
    body[name] = existing === undefined ? item : Array.isArray(existing) ? [...existing, item] : [existing, item];
  }
  return body;
}

/**
 * The body schema the validator applies to a multipart request: the spec's schema with every
 * binary property (`format: binary`, or `contentMediaType` with no type) turned into "a file part".
 */
// biome-ignore lint/suspicious/noExplicitAny: JSON Schema is open-ended
export function multipartBodySchema(schema: Record<string, any>): Record<string, any> {
  const properties: Record<string, unknown> = {};
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, Record<string, unknown>>)) {
    properties[name] = isBinary(property) ? FILE_PART : property;
  }
  return { ...schema, properties };
}

const FILE_PART = {
  type: 'object',
  required: ['filename', 'contentType', 'bytes'],
};

function isBinary(property: Record<string, unknown>): boolean {
  return property.format === 'binary' || (property.contentMediaType !== undefined && property.type === undefined);
}
