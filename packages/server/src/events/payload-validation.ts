import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { PermanentEventFailure } from './permanent-failure.js';
import type { EventEnvelope } from './types.js';

/**
 * A check of delivered events against the producers' payload schemas (a plugin manifest's
 * `consumedSchemas`): it throws {@link PermanentEventFailure}, naming every schema error, so the
 * event is dead-lettered before the consumer's handler ever sees it. Types without a schema pass.
 *
 * @example
 * const check = payloadChecker({ 'user.deleted': { type: 'object', required: ['userId'], properties: { userId: { type: 'string' } } } });
 * check(event); // throws on { data: {} }
 */
export function payloadChecker(schemas: { readonly [type: string]: Readonly<Record<string, unknown>> } = {}): (event: EventEnvelope) => void {
  // No defaults, coercion or stripping: the handler sees the payload exactly as it was published.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  const compiled = new Map<string, ValidateFunction>();
  for (const [type, schema] of Object.entries(schemas)) compiled.set(type, ajv.compile(schema as Record<string, unknown>));
  return (event) => {
    const validate = compiled.get(event.type);
    if (!validate || validate(event.data)) return;
    const reasons = ajv.errorsText(validate.errors, { dataVar: 'data', separator: '; ' });
    throw new PermanentEventFailure(`${event.type} ${event.id} from ${event.source} does not match its payload schema: ${reasons}`);
  };
}
