/**
 * A response body that is already JSON text, sent as it is instead of through the route's schema
 * serializer. Only for hot read paths whose JSON is built from the response schema itself
 * (`schemaJsonObject`), so the schema still decides which fields leave the server; with
 * `ServerConfig.checkSerializedJson` (on in test servers) every such body is also passed through
 * the schema serializer and refused if that changes anything.
 *
 * `T` is the body it stands for, so a handler's return type still follows the spec.
 */
export class SerializedJson<T = unknown> {
  declare readonly body?: T;
  constructor(readonly text: string) {}
}

/** A body of JSON text standing for a `T` (see {@link SerializedJson}). */
export function serializedJson<T>(text: string): SerializedJson<T> {
  return new SerializedJson<T>(text);
}
