// node-postgres' value mapping, which its type declarations leave out.
declare module 'pg/lib/utils.js' {
  /** The text (or buffer, or null) node-postgres binds for a JS value. */
  export function prepareValue(value: unknown): unknown;
}
