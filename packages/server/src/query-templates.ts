import { type Compilable, CompiledQuery, type Kysely } from 'kysely';
import { directQueryOf } from './direct-queries.js';
import { keepUnnamed, prepareStatement } from './prepared-statements.js';

/** Stands for a value bound at execution; Kysely compiles it into a `$n` placeholder like any value. */
class Placeholder {
  constructor(readonly name: string) {}
}

/** The placeholders of a template: `p.store` compiles to the `$n` that `values.store` fills. */
export type Placeholders<Values> = { readonly [K in keyof Values]-?: NonNullable<Values[K]> };

/** Where each `$n` of a compiled shape takes its value from. */
type Slot = { placeholder: string } | { constant: unknown };

interface CompiledShape {
  sql: string;
  slots: Slot[];
}

/** How a query template is defined. */
export interface QueryTemplateDefinition<DB, Values, Row> {
  /** Names the prepared statements (`tb_<name>_<hash>`), so they are recognisable in `pg_stat_statements`. */
  name: string;
  /**
   * Which variant of the query these values need (filters present, sort …). Values that give the
   * same shape must build the same SQL. Omit when the query has one shape.
   */
  shape?: (values: Values) => string;
  /**
   * Whether a shape is sent as a named prepared statement (default: every shape). After five runs
   * PostgreSQL may switch a prepared statement to a generic plan that cannot see its parameters;
   * a shape whose best plan depends on a value (a range's width, say) should stay unnamed and be
   * planned per run. Decided once per shape, from the values that first built it.
   */
  prepare?: (values: Values) => boolean;
  /** Builds the query of a shape with placeholders; called once per shape, never per request. */
  build: (db: Kysely<DB>, p: Placeholders<Values>, values: Values) => Compilable<Row>;
}

/** A query compiled once per shape and run with new values each time. */
export interface QueryTemplate<DB, Values, Row> {
  execute(db: Kysely<DB>, values: Values): Promise<Row[]>;
}

/**
 * A query for a hot read path. Building and compiling a Kysely query costs about as much as running
 * it on an indexed table, and PostgreSQL re-plans every unnamed statement; so each shape is built
 * and compiled once, and on PostgreSQL sent as a named prepared statement (parsed and planned once
 * per connection), on a pooled connection taken directly rather than through Kysely's executor
 * (outside transactions: see direct-queries.ts). On PGlite the compiled text is reused and
 * statements stay unnamed.
 *
 * Every value that varies between requests must come from a placeholder (`p.x`), never from
 * `values` directly inside `build`; `values` is there only to choose the shape. Placeholders become
 * single parameters, so use `= any(${p.ids})` rather than `in` for lists.
 */
export function queryTemplate<DB, Values extends object, Row>(definition: QueryTemplateDefinition<DB, Values, Row>): QueryTemplate<DB, Values, Row> {
  const shapes = new Map<string, CompiledShape>();
  const placeholders = new Proxy({} as Placeholders<Values>, {
    get: (_target, name) => new Placeholder(String(name)),
  });

  function compile(db: Kysely<DB>, values: Values): CompiledShape {
    const key = definition.shape?.(values) ?? '';
    let shape = shapes.get(key);
    if (!shape) {
      const compiled = definition.build(db, placeholders, values).compile();
      const slots = compiled.parameters.map((value): Slot => (value instanceof Placeholder ? { placeholder: value.name } : { constant: value }));
      if (definition.prepare?.(values) ?? true) prepareStatement(definition.name, compiled.sql);
      else keepUnnamed(compiled.sql);
      shape = { sql: compiled.sql, slots };
      shapes.set(key, shape);
    }
    return shape;
  }

  return {
    async execute(db, values) {
      const shape = compile(db, values);
      const record = values as Record<string, unknown>;
      const parameters = shape.slots.map((slot) => {
        if ('constant' in slot) return slot.constant;
        const value = record[slot.placeholder];
        if (value === undefined)
          throw new Error(`Query template ${definition.name}: no value for placeholder ${slot.placeholder} in shape ${definition.shape?.(values) ?? ''}`);
        return value;
      });
      const direct = directQueryOf(db);
      if (direct) return (await direct(shape.sql, parameters)) as Row[];
      const result = await db.executeQuery<Row>(CompiledQuery.raw(shape.sql, parameters));
      return result.rows;
    },
  };
}

/** Each list's rows, as a rows template is given them and as its `build` receives them. */
export type RowLists<Lists> = { readonly [K in keyof Lists]: readonly Lists[K][] };

/** How a rows template is defined. */
export interface RowsTemplateDefinition<DB, Fixed, Lists, Row> {
  /** Names the prepared statements, as a query template's `name` does. */
  name: string;
  /**
   * The most rows of each list compiled once per count; a statement with a longer list (rare) is
   * built for itself, so that the shapes kept, and every connection's prepared statements, stay few.
   */
  max: { readonly [K in keyof Lists]: number };
  /**
   * What else changes the statement's text besides the lists' counts (the columns an optional part
   * writes, say). Omit when nothing does: every row of a list must then have the same fields.
   */
  shape?: (fixed: Fixed, lists: RowLists<Lists>) => string;
  /**
   * Builds the statement from the values, or from placeholders standing for each of them (each
   * fixed value, each field of each row); both must give the same statement.
   */
  build: (db: Kysely<DB>, fixed: Fixed, lists: RowLists<Lists>) => Compilable<Row>;
}

/** Where, in the values a rows template hands its query template, the shape and the values given are. */
const SHAPE = Symbol('shape');
const GIVEN = Symbol('given');

type Flattened<Fixed, Lists> = Record<string, unknown> & { [SHAPE]: string; [GIVEN]: { fixed: Fixed; lists: RowLists<Lists> } };

/**
 * A statement over fixed values and lists of rows (an insert of many rows, a `values` list to join
 * with), compiled once per shape: the count of each list, up to its `max`, and the caller's `shape`.
 * Each fixed value and each field of each row is its own parameter, so the text a count gives is
 * the same on every run and PostgreSQL keeps its plan. Built for itself (as Kysely would, per call)
 * when a list is longer than its `max`, or when a value is undefined: Kysely leaves such a value
 * out (an insert writes the column's default), which a placeholder cannot.
 */
export function rowsTemplate<DB, Fixed extends object, Lists extends { [K in keyof Lists]: object }, Row>(
  definition: RowsTemplateDefinition<DB, Fixed, Lists, Row>,
): (db: Kysely<DB>, fixed: Fixed, lists: RowLists<Lists>) => Promise<Row[]> {
  const listNames = Object.keys(definition.max) as Array<keyof Lists & string>;
  const template = queryTemplate<DB, Flattened<Fixed, Lists>, Row>({
    name: definition.name,
    shape: (values) => values[SHAPE],
    build: (db, p, values) => {
      const { fixed, lists } = values[GIVEN];
      const placeholders = Object.fromEntries(
        listNames.map((list) => [list, lists[list].map((row, index) => placeholdersOf(p, `${list}.${index}.`, row))]),
      ) as unknown as RowLists<Lists>;
      return definition.build(db, placeholdersOf(p, '.', fixed), placeholders);
    },
  });

  /** Every value under the name of its placeholder (`.<fixed>`, `<list>.<row>.<field>`); undefined when the statement must be built for itself. */
  function flattened(fixed: Fixed, lists: RowLists<Lists>): Flattened<Fixed, Lists> | undefined {
    const values: Record<string, unknown> = {};
    if (!copied(values, '.', fixed)) return undefined;
    let shape = '';
    for (const list of listNames) {
      const rows = lists[list];
      if (rows.length > definition.max[list]) return undefined;
      shape += `${rows.length}:`;
      for (let index = 0; index < rows.length; index += 1) if (!copied(values, `${list}.${index}.`, rows[index] as object)) return undefined;
    }
    shape += definition.shape?.(fixed, lists) ?? '';
    return Object.assign(values, { [SHAPE]: shape, [GIVEN]: { fixed, lists } });
  }

  return async (db, fixed, lists) => {
    const values = flattened(fixed, lists);
    if (values) return template.execute(db, values);
    return (await db.executeQuery(definition.build(db, fixed, lists).compile())).rows;
  };
}

/** `source`'s values into `values` under `prefix` + their field's name; false when one is undefined. */
function copied(values: Record<string, unknown>, prefix: string, source: object): boolean {
  for (const [field, value] of Object.entries(source)) {
    if (value === undefined) return false;
    values[prefix + field] = value;
  }
  return true;
}

/** `source` with each field's value replaced by the placeholder `copied` put it under. */
function placeholdersOf<T extends object>(p: Record<string, unknown>, prefix: string, source: T): T {
  return Object.fromEntries(Object.keys(source).map((field) => [field, p[prefix + field]])) as T;
}

/**
 * A statement over a list of values (rows by ids, say): a rows template whose rows are single
 * values, compiled once per length of the list up to `max`, each value its own parameter, so that
 * PostgreSQL keeps a plan per length rather than planning `= any($1)` anew on every run; a longer
 * list (rare) is built for itself. `build` gets the values, or the placeholders standing for them,
 * and must build the same statement from either.
 */
export function listTemplate<DB, Row>(definition: {
  name: string;
  max: number;
  build: (db: Kysely<DB>, values: readonly unknown[]) => Compilable<Row>;
}): (db: Kysely<DB>, values: readonly unknown[]) => Promise<Row[]> {
  const template = rowsTemplate<DB, object, { values: { value: unknown } }, Row>({
    name: definition.name,
    max: { values: definition.max },
    build: (db, _fixed, { values }) =>
      definition.build(
        db,
        values.map((row) => row.value),
      ),
  });
  return (db, values) => template(db, {}, { values: values.map((value) => ({ value })) });
}
