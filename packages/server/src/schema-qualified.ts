import {
  type AggregateFunctionNode,
  AliasNode,
  type AlterTableNode,
  type CreateIndexNode,
  type CreateSchemaNode,
  type CreateTableNode,
  type CreateTypeNode,
  type CreateViewNode,
  type DeleteQueryNode,
  type Dialect,
  type DropIndexNode,
  type DropSchemaNode,
  type DropTableNode,
  type DropTypeNode,
  type DropViewNode,
  type FunctionNode,
  IdentifierNode,
  type InsertQueryNode,
  JoinNode,
  type Kysely,
  type KyselyPlugin,
  ListNode,
  type MergeQueryNode,
  type OperationNode,
  PostgresQueryCompiler,
  type QueryId,
  type RawNode,
  type ReferencesNode,
  type RefreshMaterializedViewNode,
  type RootOperationNode,
  SchemableIdentifierNode,
  type SelectModifierNode,
  type SelectQueryNode,
  TableNode,
  type UpdateQueryNode,
  UsingNode,
} from 'kysely';

/**
 * Each service names its tables without a schema (`carts`) and owns a schema of its own
 * (`cart.carts`). Kysely's `withSchema` qualifies the names with a plugin that rebuilds every
 * query's whole node tree before the compiler walks it again: under the checkout bench that
 * rebuild was about a twentieth of the server's CPU. Here the plugin only marks the query's root
 * with its schema (one shallow copy), and the compiler qualifies the names in the walk it makes
 * anyway. The rules are Kysely's `WithSchemaTransformer`'s, so the SQL is the same text
 * (`test/schema-qualified.test.ts` compiles the services' query shapes both ways):
 * - a table named in a statement's `from`, `into`, `update`, `join`, `using` or DDL name is
 *   qualified wherever that statement or a statement inside it refers to it, unless a `with`
 *   of that statement (or one around it) defines the name;
 * - a foreign key's `references` table is always qualified;
 * - a table given to `json_agg`/`to_json`, or named in `for update of`, is left as written (it
 *   names a row alias there, not a table).
 */
export function qualifiedBySchema<DB>(db: Kysely<DB>, schema: string): Kysely<DB> {
  // A database opened some other way (handed to `createServer` ready-made) keeps Kysely's plugin.
  if (!qualifyingAdapters.has(db.getExecutor().adapter)) return db.withSchema(schema);
  let mark = marks.get(schema);
  if (!mark) {
    mark = new SchemaMark(schema);
    marks.set(schema, mark);
  }
  return db.withPlugin(mark);
}

/** A dialect whose statements may be marked with a schema by {@link qualifiedBySchema}. */
export function schemaQualifyingDialect(dialect: Dialect): Dialect {
  return {
    createAdapter: () => {
      // The executor hands its adapter on to every instance derived from it (transactions too): how a marked statement's compiler is recognised.
      const adapter = dialect.createAdapter();
      qualifyingAdapters.add(adapter);
      return adapter;
    },
    createDriver: () => dialect.createDriver(),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => new SchemaQualifyingCompiler(),
  };
}

const qualifyingAdapters = new WeakSet<object>();
const marks = new Map<string, SchemaMark>();

const SCHEMA = Symbol('tokobapak.schema');

type Marked = RootOperationNode & { [SCHEMA]?: string };

class SchemaMark implements KyselyPlugin {
  constructor(private readonly schema: string) {}

  transformQuery(args: { node: RootOperationNode; queryId: QueryId }): RootOperationNode {
    // Plugins run in the order they were added: the mark added last wins, as with `withSchema`,
    // whose latest plugin goes to the front and qualifies the tables before the earlier ones see them.
    return { ...args.node, [SCHEMA]: this.schema } as Marked;
  }

  async transformResult<R>(args: { result: R }): Promise<R> {
    return args.result;
  }
}

/** Functions whose table arguments are row aliases, never qualified. */
const ROW_FUNCTIONS = new Set(['json_agg', 'to_json']);

// biome-ignore lint/suspicious/noExplicitAny: the statement nodes' optional parts, read by name as Kysely's transformer does
type AnyStatement = Record<string, any>;

/** What a statement brought into scope. */
interface Scope {
  tables: string[];
  withNames: string[];
}

class SchemaQualifyingCompiler extends PostgresQueryCompiler {
  private schema: IdentifierNode | undefined;
  private readonly tables = new Set<string>();
  private readonly withNames = new Set<string>();
  /** Above zero while writing a table that names a row alias (see {@link ROW_FUNCTIONS}, `for update of`). */
  private asWritten = 0;

  // Kysely's root operation nodes: each statement, wherever it is nested, brings its own tables and
  // `with` names into scope for what is inside it (Kysely's transformer does the same per root node).
  protected override visitSelectQuery(node: SelectQueryNode): void {
    this.inScope(node, () => super.visitSelectQuery(node));
  }
  protected override visitInsertQuery(node: InsertQueryNode): void {
    this.inScope(node, () => super.visitInsertQuery(node));
  }
  protected override visitUpdateQuery(node: UpdateQueryNode): void {
    this.inScope(node, () => super.visitUpdateQuery(node));
  }
  protected override visitDeleteQuery(node: DeleteQueryNode): void {
    this.inScope(node, () => super.visitDeleteQuery(node));
  }
  protected override visitMergeQuery(node: MergeQueryNode): void {
    this.inScope(node, () => super.visitMergeQuery(node));
  }
  protected override visitRaw(node: RawNode): void {
    this.inScope(node, () => super.visitRaw(node));
  }
  protected override visitCreateTable(node: CreateTableNode): void {
    this.inScope(node, () => super.visitCreateTable(node));
  }
  protected override visitAlterTable(node: AlterTableNode): void {
    this.inScope(node, () => super.visitAlterTable(node));
  }
  protected override visitCreateIndex(node: CreateIndexNode): void {
    this.inScope(node, () => super.visitCreateIndex(node));
  }
  protected override visitCreateSchema(node: CreateSchemaNode): void {
    this.inScope(node, () => super.visitCreateSchema(node));
  }
  protected override visitCreateType(node: CreateTypeNode): void {
    this.inScope(node, () => super.visitCreateType(node));
  }
  protected override visitCreateView(node: CreateViewNode): void {
    this.inScope(node, () => super.visitCreateView(node));
  }
  protected override visitRefreshMaterializedView(node: RefreshMaterializedViewNode): void {
    this.inScope(node, () => super.visitRefreshMaterializedView(node));
  }
  protected override visitDropIndex(node: DropIndexNode): void {
    this.inScope(node, () => super.visitDropIndex(node));
  }
  protected override visitDropSchema(node: DropSchemaNode): void {
    this.inScope(node, () => super.visitDropSchema(node));
  }
  protected override visitDropTable(node: DropTableNode): void {
    this.inScope(node, () => super.visitDropTable(node));
  }
  protected override visitDropType(node: DropTypeNode): void {
    this.inScope(node, () => super.visitDropType(node));
  }
  protected override visitDropView(node: DropViewNode): void {
    this.inScope(node, () => super.visitDropView(node));
  }

  private inScope(node: AnyStatement, visit: () => void): void {
    if (this.schema === undefined) {
      visit();
      return;
    }
    const scope = this.enter(node);
    try {
      visit();
    } finally {
      this.leave(scope);
    }
  }

  /** Puts the tables and `with` names `node` brings into scope; answers them, for {@link leave}. */
  private enter(node: AnyStatement): Scope {
    const withNames: string[] = [];
    for (const expression of node.with?.expressions ?? []) {
      const name: string = expression.name.table.table.identifier.name;
      if (!this.withNames.has(name)) withNames.push(name);
    }
    for (const name of withNames) this.withNames.add(name);
    const tables: string[] = [];
    if (node.name && SchemableIdentifierNode.is(node.name)) this.addTable(node.name, tables);
    for (const from of node.from?.froms ?? []) this.addTables(from, tables);
    if (node.into) this.addTables(node.into, tables);
    if (node.table) this.addTables(node.table, tables);
    for (const join of node.joins ?? []) this.addTables(join.table, tables);
    if (node.using) this.addTables(JoinNode.is(node.using) ? node.using.table : node.using, tables);
    return { tables, withNames };
  }

  private leave(scope: Scope): void {
    for (const name of scope.tables) this.tables.delete(name);
    for (const name of scope.withNames) this.withNames.delete(name);
  }

  private addTables(expression: OperationNode, added: string[]): void {
    if (TableNode.is(expression)) this.addTable(expression.table, added);
    else if (AliasNode.is(expression) && TableNode.is(expression.node)) this.addTable(expression.node.table, added);
    else if (ListNode.is(expression)) for (const item of expression.items) this.addTables(item, added);
    else if (UsingNode.is(expression)) for (const item of expression.tables) this.addTables(item, added);
  }

  private addTable(identifier: SchemableIdentifierNode, added: string[]): void {
    const name = identifier.identifier.name;
    if (this.tables.has(name) || this.withNames.has(name)) return;
    this.tables.add(name);
    added.push(name);
  }

  override compileQuery(node: RootOperationNode, queryId: QueryId) {
    const schema = (node as Marked)[SCHEMA];
    this.schema = schema === undefined ? undefined : IdentifierNode.create(schema);
    this.tables.clear();
    this.withNames.clear();
    this.asWritten = 0;
    return super.compileQuery(node, queryId);
  }

  protected override visitSchemableIdentifier(node: SchemableIdentifierNode): void {
    const qualify = this.schema && !node.schema && this.asWritten === 0 && this.tables.has(node.identifier.name);
    super.visitSchemableIdentifier(qualify ? { ...node, schema: this.schema } : node);
  }

  protected override visitReferences(node: ReferencesNode): void {
    const qualify = this.schema && !node.table.table.schema;
    super.visitReferences(qualify ? { ...node, table: TableNode.createWithSchema(this.schema?.name ?? '', node.table.table.identifier.name) } : node);
  }

  protected override visitFunction(node: FunctionNode): void {
    if (ROW_FUNCTIONS.has(node.func)) this.rowArguments = node.arguments;
    super.visitFunction(node);
  }

  protected override visitAggregateFunction(node: AggregateFunctionNode): void {
    if (ROW_FUNCTIONS.has(node.func)) this.rowArguments = node.aggregated;
    super.visitAggregateFunction(node);
  }

  protected override visitSelectModifier(node: SelectModifierNode): void {
    if (node.of) this.rowArguments = node.of;
    super.visitSelectModifier(node);
  }

  /**
   * The list of a row function's arguments or of `for update of`, set just before Kysely writes it
   * (the first list those visits write): {@link compileList} leaves its tables as written.
   */
  private rowArguments: readonly OperationNode[] | undefined;

  protected override compileList(nodes: ReadonlyArray<OperationNode>, separator = ', '): void {
    if (nodes !== this.rowArguments) {
      super.compileList(nodes, separator);
      return;
    }
    this.rowArguments = undefined;
    nodes.forEach((node, index) => {
      if (index > 0) this.append(separator);
      const rowAlias = TableNode.is(node) && !node.table.schema;
      if (rowAlias) this.asWritten += 1;
      try {
        this.visitNode(node);
      } finally {
        if (rowAlias) this.asWritten -= 1;
      }
    });
  }
}
