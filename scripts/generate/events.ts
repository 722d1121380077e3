import { asObject, createRefResolver, readServiceContract, type ServiceContract } from '../../packages/server/src/spec-reader.js';
import type { JsonObject } from './bundle.js';

/** One service spec as the event catalogue reads it. */
export interface ServiceSpec {
  service: string;
  /** Its SDK namespace (`imageProxy`). */
  namespace: string;
  /** The spec file, as shown in messages (`openapi/user.yaml`). */
  source: string;
  doc: JsonObject;
}

/** One event type across every spec. */
export interface CatalogueEvent {
  type: string;
  /** The service whose spec declares it (the type's first segment). */
  owner: string;
  ownerNamespace: string;
  description: string;
  /** The owner first, then every service that lists it under `alsoPublishes`. */
  publishers: string[];
  consumers: string[];
  /** The `components/schemas` entry its payload is (`UserDeletedEvent`). */
  payloadSchemaName: string;
  /** The payload schema with every reference inlined: what validators compile. */
  payloadSchema: JsonObject;
  /** The runtime port it serves (`x-provides`), such as `accountDeleted`. */
  provides?: string;
}

/**
 * The runtime's event ports and the payload fields each needs. The runtime consumes the event a
 * spec marks with `x-provides: <port>` without naming its service (the deleted-account denylist
 * reads `userId` from whichever event provides `accountDeleted`).
 */
export const EVENT_PORTS: Readonly<Record<string, readonly string[]>> = {
  accountDeleted: ['userId'],
};

/** Every event and, per service, what it publishes and consumes. */
export interface EventCatalogue {
  events: CatalogueEvent[];
  contracts: Map<string, ServiceContract>;
}

const SCHEMA_REF = /^#\/components\/schemas\/([A-Za-z0-9._-]+)$/;

/**
 * Reads `x-events` and `x-calls` of every spec and checks them against each other. Fails, naming
 * the spec at fault, when a service consumes an event no spec publishes (a renamed type or a typo
 * would otherwise stop delivery without a word), publishes another service's event that is not
 * declared shared, or calls a service that has no spec.
 */
export function buildEventCatalogue(specs: ServiceSpec[]): EventCatalogue {
  const contracts = new Map<string, ServiceContract>();
  const events = new Map<string, CatalogueEvent>();
  const namespaces = new Map(specs.map((spec) => [spec.service, spec.namespace]));
  for (const spec of specs) {
    const contract = wrap(spec.source, () => readServiceContract(spec.service, spec.doc));
    contracts.set(spec.service, contract);
    const inline = createRefResolver(spec.doc);
    for (const declared of contract.publishes) {
      const ref = declared.payload.$ref;
      const name = typeof ref === 'string' ? SCHEMA_REF.exec(ref)?.[1] : undefined;
      if (!name || Object.keys(declared.payload).length !== 1) {
        throw new Error(`${spec.source}: x-events.publishes.${declared.type}.payload must be a $ref to #/components/schemas/<Name>`);
      }
      events.set(declared.type, {
        type: declared.type,
        owner: spec.service,
        ownerNamespace: spec.namespace,
        description: declared.description,
        publishers: [spec.service],
        consumers: [],
        payloadSchemaName: name,
        payloadSchema: wrap(spec.source, () => inline(declared.payload) as JsonObject),
        ...(declared.provides ? { provides: declared.provides } : {}),
      });
    }
  }
  checkEventPorts([...events.values()], new Map(specs.map((spec) => [spec.service, spec.source])));
  const shared = new Set(specs.flatMap((spec) => (contracts.get(spec.service)?.publishes ?? []).filter((event) => event.shared).map((event) => event.type)));
  for (const spec of specs) {
    const contract = contracts.get(spec.service) as ServiceContract;
    for (const type of contract.alsoPublishes) {
      const event = events.get(type);
      if (!event) throw new Error(`${spec.source}: ${spec.service} also publishes ${type}, which no spec declares`);
      if (!shared.has(type)) throw new Error(`${spec.source}: ${spec.service} also publishes ${type}, which ${event.owner} does not declare shared`);
      event.publishers.push(spec.service);
    }
    for (const type of contract.consumes) {
      const event = events.get(type);
      if (!event) throw new Error(`${spec.source}: ${spec.service} consumes ${type}, which no spec publishes`);
      event.consumers.push(spec.service);
    }
    for (const call of contract.calls) {
      if (!namespaces.has(call.service)) throw new Error(`${spec.source}: ${spec.service} calls ${call.service} (x-calls), which has no spec`);
    }
  }
  return { events: [...events.values()], contracts };
}

function checkEventPorts(events: CatalogueEvent[], sources: Map<string, string>): void {
  const seen = new Map<string, string>();
  for (const event of events) {
    if (!event.provides) continue;
    const where = `${sources.get(event.owner)}: x-events.publishes.${event.type}`;
    const fields = EVENT_PORTS[event.provides];
    if (!fields) throw new Error(`${where}: x-provides names an unknown port ${event.provides} (known: ${Object.keys(EVENT_PORTS).join(', ')})`);
    const other = seen.get(event.provides);
    if (other) throw new Error(`${where}: two events provide the ${event.provides} port (x-provides): ${other} and ${event.type}`);
    seen.set(event.provides, event.type);
    const required = new Set(Array.isArray(event.payloadSchema.required) ? (event.payloadSchema.required as string[]) : []);
    const properties = asObject(event.payloadSchema.properties) ?? {};
    for (const field of fields) {
      if (!required.has(field) || asObject(properties[field])?.type !== 'string') {
        throw new Error(`${where}: the ${event.provides} port needs a required string field ${field} in the payload`);
      }
    }
  }
}

function wrap<T>(source: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const message = (error as Error).message;
    throw new Error(message.startsWith(source) ? message : `${source}: ${message}`);
  }
}

/** `user.deletion-acknowledged` → `deletionAcknowledged`: the event's key under its owner in `eventTypes`. */
export function eventKey(type: string): string {
  return type.slice(type.indexOf('.') + 1).replace(/[.-]([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());
}

/** Capitalised SDK namespace: `imageProxy` → `ImageProxy`. */
export function pascal(namespace: string): string {
  return (namespace[0]?.toUpperCase() ?? '') + namespace.slice(1);
}

/** The SDK's typed event catalogue: type constants, payload types and payload schemas. */
export function emitEventCatalogue(catalogue: EventCatalogue, specs: ServiceSpec[], header: string): string {
  const lines = [header];
  const owners = specs.filter((spec) => catalogue.events.some((event) => event.owner === spec.service));
  for (const spec of owners) lines.push(`import type * as ${spec.namespace} from './${spec.service}.js';`);
  if (owners.length > 0) lines.push('');
  lines.push('/** Every event type by owning service (SDK namespace) and camelCase name: `eventTypes.user.deleted`. */');
  lines.push('export const eventTypes = {');
  for (const spec of owners) {
    lines.push(`  ${spec.namespace}: {`);
    for (const event of catalogue.events.filter((candidate) => candidate.owner === spec.service)) {
      lines.push(`    ${eventKey(event.type)}: '${event.type}',`);
    }
    lines.push('  },');
  }
  lines.push('} as const;', '');
  lines.push('/** The payload type of every event, by event type. */');
  if (catalogue.events.length === 0) {
    lines.push('export type EventPayloads = Record<never, never>;');
  } else {
    lines.push('export interface EventPayloads {');
    for (const event of catalogue.events) {
      if (event.description) lines.push(`  /** ${event.description.replaceAll('*/', '*\\/')} */`);
      lines.push(`  '${event.type}': ${event.ownerNamespace}.components['schemas']['${event.payloadSchemaName}'];`);
    }
    lines.push('}');
  }
  lines.push('', '/** Every event type. */', 'export type EventType = keyof EventPayloads;', '');
  const ports = catalogue.events.filter((event) => event.provides).sort((a, b) => ((a.provides as string) < (b.provides as string) ? -1 : 1));
  lines.push('/** The event that serves each runtime port (`x-provides` on an event in a spec), so that the runtime names no service. */');
  lines.push(`export const portEvents = {${ports.length ? '' : '} as const;'}`);
  if (ports.length) {
    for (const event of ports) lines.push(`  ${event.provides}: '${event.type}',`);
    lines.push('} as const;');
  }
  lines.push('');
  lines.push('/** The JSON Schema of every event payload, references inlined: what the runtime validates consumed events with. */');
  lines.push(
    `export const eventSchemas: { readonly [T in EventType]: Readonly<Record<string, unknown>> } = ${JSON.stringify(
      Object.fromEntries(catalogue.events.map((event) => [event.type, event.payloadSchema])),
      null,
      2,
    )};`,
  );
  lines.push('');
  return lines.join('\n');
}

/** A plugin's manifest: its events' payload types and the schemas of what it consumes. */
export function emitManifest(catalogue: EventCatalogue, spec: ServiceSpec, header: string): string {
  const contract = catalogue.contracts.get(spec.service) as ServiceContract;
  const publishes = [...contract.publishes.map((event) => event.type), ...contract.alsoPublishes];
  const consumes = contract.consumes;
  const union = (types: string[]) => (types.length === 0 ? 'never' : types.map((type) => `'${type}'`).join(' | '));
  const name = `${pascal(spec.namespace)}Events`;
  return [
    header,
    consumes.length > 0 ? "import { type EventPayloads, eventSchemas } from '@tokobapak/sdk';" : "import type { EventPayloads } from '@tokobapak/sdk';",
    "import type { PluginManifest } from '@tokobapak/server';",
    '',
    `/** The events the ${spec.service} service publishes and consumes, with their payload types. */`,
    `export interface ${name} {`,
    `  publishes: Pick<EventPayloads, ${union(publishes)}>;`,
    `  consumes: Pick<EventPayloads, ${union(consumes)}>;`,
    '}',
    '',
    `/** What ${spec.source} declares about events: \`definePlugin\` takes it, the runtime validates consumed payloads with its schemas. */`,
    `export const manifest: PluginManifest<${name}> = {`,
    `  service: '${spec.service}',`,
    `  publishes: [${publishes.map((type) => `'${type}'`).join(', ')}],`,
    `  consumes: [${consumes.map((type) => `'${type}'`).join(', ')}],`,
    consumes.length === 0 ? '  consumedSchemas: {},' : '  consumedSchemas: {',
    ...consumes.map((type) => `    '${type}': eventSchemas['${type}'],`),
    ...(consumes.length === 0 ? [] : ['  },']),
    '};',
    '',
  ].join('\n');
}

/** Markers around the generated catalogue in `docs/events.md`. */
export const DOC_START = '<!-- event-catalogue:start (generated by `pnpm generate` from openapi/*.yaml; do not edit) -->';
export const DOC_END = '<!-- event-catalogue:end -->';

/** `docs/events.md` with the catalogue between its markers replaced; fails when the markers are missing. */
export function emitEventDoc(current: string, catalogue: EventCatalogue, where: string): string {
  const start = current.indexOf(DOC_START);
  const end = current.indexOf(DOC_END);
  if (start < 0 || end < start) throw new Error(`${where}: the event catalogue markers are missing (${DOC_START} … ${DOC_END})`);
  const rows = catalogue.events.map((event) => {
    const producers = [event.owner, ...event.publishers.filter((publisher) => publisher !== event.owner)].join(', ');
    const consumers = event.consumers.length > 0 ? event.consumers.join(', ') : '—';
    return `| \`${event.type}\` | ${producers} | ${consumers} | ${payloadFields(event.payloadSchema)} | ${event.description.replaceAll('|', '\\|')} |`;
  });
  const table = ['| type | published by | consumed by | payload | meaning |', '|---|---|---|---|---|', ...rows].join('\n');
  return `${current.slice(0, start)}${DOC_START}\n\n${table}\n\n${current.slice(end)}`;
}

function payloadFields(schema: JsonObject): string {
  const properties = asObject(schema.properties) ?? {};
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const fields = Object.entries(properties).map(([name, raw]) => `\`${name}${required.has(name) ? '' : '?'}\`: ${typeOf(asObject(raw) ?? {})}`);
  return fields.length > 0 ? fields.join(', ') : '—';
}

function typeOf(schema: JsonObject): string {
  if (Array.isArray(schema.enum)) return schema.enum.map((value) => JSON.stringify(value)).join(' \\| ');
  const types = Array.isArray(schema.type) ? (schema.type as string[]) : typeof schema.type === 'string' ? [schema.type] : [];
  const named = types.map((type) => (type === 'array' ? `${typeOf(asObject(schema.items) ?? {})}[]` : type));
  return named.length > 0 ? named.join(' \\| ') : 'any';
}
