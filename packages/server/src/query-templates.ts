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

/**
 * A statement over a list of values (rows by ids, say), compiled once per length of the list up
 * to `max`, each value its own parameter, so that PostgreSQL keeps a plan per length rather than
 * planning `= any($1)` anew on every run; a longer list (rare) is built for itself. `build` gets
 * the values, or the placeholders standing for them, and must build the same statement from either.
 */
export function listTemplate<DB, Row>(definition: {
  name: string;
  max: number;
  build: (db: Kysely<DB>, values: readonly unknown[]) => Compilable<Row>;
}): (db: Kysely<DB>, values: readonly unknown[]) => Promise<Row[]> {
  const template = queryTemplate<DB, Record<string, unknown>, Row>({
    name: definition.name,
    shape: (numbered) => String(Object.keys(numbered).length),
    build: (db, p, numbered) =>
      definition.build(
        db,
        Object.keys(numbered).map((key) => p[key]),
      ),
  });
  return async (db, values) => {
    if (values.length > definition.max) return (await db.executeQuery(definition.build(db, values).compile())).rows;
    return template.execute(db, Object.fromEntries(values.map((value, index) => [`v${index}`, value])));
  };
}
