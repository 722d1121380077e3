import pg from 'pg';

/** A column as PostgreSQL describes it in a RowDescription message (the fields node-postgres reads). */
interface FieldDescription {
  name: string;
  dataTypeID: number;
  format?: string;
}

/** What node-postgres' Result builds from a row description: the columns, a parser per column and the empty row each row is copied from. */
interface Described {
  fields: FieldDescription[];
  parsers: unknown[];
  empty: Record<string, null>;
  types: unknown;
}

/** node-postgres' Result, as much of its internals as taking a description over needs. */
interface ResultInternals {
  fields: FieldDescription[];
  _parsers: unknown[] | undefined;
  _prebuiltEmptyResultObject: Record<string, null> | null;
  _types: unknown;
  rowAsArray: boolean;
  addFields(fields: FieldDescription[]): void;
}

/** node-postgres' Query, as much of it as handling a row description needs. */
interface QueryInternals {
  name?: string;
  callback?: unknown;
  _result: ResultInternals;
  _accumulateRows: unknown;
  _checkForMultirow(): void;
  listeners(event: string): unknown[];
}

/**
 * Descriptions of the named statements a connection runs, by statement name, kept on its client.
 *
 * Why: for every result node-postgres builds the empty row each row starts from by spreading a
 * prototype-less object, which V8 copies slowly — about 15 µs for twenty columns here, more than
 * parsing a row, and 2–3% of the server's CPU under the checkout bench, where every statement
 * answers the same columns every time. A named statement's description is the same on every run
 * (a migration that changes it makes PostgreSQL refuse the statement), so what the Result builds
 * from it is built once per statement and connection and taken over while the description matches
 * column for column.
 */
export type Descriptions = Map<string, Described>;

/**
 * Handles a row description as node-postgres' Query does, reusing what an earlier run of the same
 * named statement on this connection built when the columns are the same. `remember` says this
 * description is the statement's own (not one of the riders sent ahead of it), so it may be kept.
 */
export function handleRowDescription(query: QueryInternals, fields: FieldDescription[], descriptions: Descriptions | undefined, remember: boolean): void {
  query._checkForMultirow();
  const result = query._result;
  const name = query.name;
  const known = name !== undefined && descriptions ? descriptions.get(name) : undefined;
  if (known && known.types === result._types && !result.rowAsArray && sameColumns(known.fields, fields)) {
    result.fields = fields;
    result._parsers = known.parsers;
    result._prebuiltEmptyResultObject = known.empty;
  } else {
    result.addFields(fields);
    if (remember && name !== undefined && descriptions && !result.rowAsArray && result._parsers && result._prebuiltEmptyResultObject) {
      descriptions.set(name, { fields, parsers: result._parsers, empty: result._prebuiltEmptyResultObject, types: result._types });
    }
  }
  query._accumulateRows = query.callback || !query.listeners('row').length;
}

function sameColumns(known: FieldDescription[], fields: FieldDescription[]): boolean {
  if (known.length !== fields.length) return false;
  for (let i = 0; i < fields.length; i++) {
    const a = known[i] as FieldDescription;
    const b = fields[i] as FieldDescription;
    if (a.name !== b.name || a.dataTypeID !== b.dataTypeID || (a.format ?? 'text') !== (b.format ?? 'text')) return false;
  }
  return true;
}

/** node-postgres' Query with its row description handled by {@link handleRowDescription}: a named statement of a {@link PreparingClient}. */
export class NamedQuery extends (pg.Query as unknown as new (
  text: string,
  values: unknown[],
  callback: (error: Error | null | undefined, result: unknown) => void,
) => pg.Query & QueryInternals) {
  descriptions: Descriptions | undefined;

  handleRowDescription(message: { fields: FieldDescription[] }): void {
    handleRowDescription(this, message.fields, this.descriptions, true);
  }
}
