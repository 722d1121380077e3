import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { findUnsafeText } from './safe-text.js';
import type { JsonSchema } from './spec-routes.js';

/**
 * Two validators, as stack.md warns: Fastify's default ajv coerces body types and strips unknown
 * properties, which hides client bugs. Bodies are validated as sent (no coercion, no stripping);
 * path, query and header parameters arrive as strings and are coerced to their declared types.
 */
export interface Validators {
  body: Ajv2020;
  parameters: Ajv2020;
}

/** Builds the body and parameter validators (`strict: false` so OpenAPI's `example` keywords pass). */
export function createValidators(): Validators {
  const make = (coerce: boolean): Ajv2020 => {
    const ajv = new Ajv2020({
      strict: false,
      allErrors: true,
      coerceTypes: coerce ? 'array' : false,
      useDefaults: true,
      removeAdditional: false,
    });
    (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
    return ajv;
  };
  return { body: make(false), parameters: make(true) };
}

/**
 * Compiles the validator for one part of a request. Before the schema, every string of the part
 * (typed or not, object keys too) must be text a database can hold (see `safe-text.ts`), so no
 * operation can forget the check.
 */
export function compileValidator(validators: Validators, part: string, schema: JsonSchema): ValidateFunction {
  const validate = (part === 'body' ? validators.body : validators.parameters).compile(schema);
  const skip = checkedByHandler(schema);
  const checked = ((data: unknown, context?: unknown) => {
    const unsafe = findUnsafeText(data, '', skip);
    if (unsafe.length > 0) {
      checked.errors = unsafe.map(({ pointer, message }) => ({ instancePath: pointer, schemaPath: '#', keyword: 'safeText', params: {}, message }));
      return false;
    }
    const valid = (validate as (data: unknown, context?: unknown) => boolean)(data, context);
    checked.errors = validate.errors;
    return valid;
  }) as ValidateFunction;
  // Fastify passes the parent object (so Ajv may coerce a root value) only to functions carrying Ajv's schemaEnv.
  Object.assign(checked, { schemaEnv: validate.schemaEnv, schema: validate.schema });
  return checked;
}

/**
 * Pointers of the properties marked `x-checked-by-handler: true` in a spec: values (import rows)
 * that the handler checks one by one, so that a bad one is reported on its own instead of refusing
 * the whole request.
 */
function checkedByHandler(schema: JsonSchema, pointer = '', found = new Set<string>()): Set<string> {
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const at = `${pointer}/${name}`;
    if (property['x-checked-by-handler'] === true) found.add(at);
    else checkedByHandler(property, at, found);
  }
  return found;
}

/** Turns ajv errors into problem+json `errors` entries pointing at the offending field. */
export function describeValidationErrors(part: string, errors: ErrorObject[] | null | undefined): Array<{ pointer: string; message: string }> {
  return (errors ?? []).map((error) => {
    let pointer = error.instancePath;
    let message = error.message ?? 'is not valid';
    if (error.keyword === 'additionalProperties') {
      pointer = `${pointer}/${String(error.params.additionalProperty)}`;
      message = 'is not an allowed property';
    } else if (error.keyword === 'required') {
      pointer = `${pointer}/${String(error.params.missingProperty)}`;
      message = 'is required';
    }
    return { pointer: `${partPrefix(part)}${pointer}`, message };
  });
}

function partPrefix(part: string): string {
  switch (part) {
    case 'body':
      return '#';
    case 'querystring':
      return '#query';
    case 'params':
      return '#path';
    case 'headers':
      return '#header';
    default:
      return `#${part}`;
  }
}
