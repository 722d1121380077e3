import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
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

/** Compiles the validator for one part of a request. */
export function compileValidator(validators: Validators, part: string, schema: JsonSchema): ValidateFunction {
  return (part === 'body' ? validators.body : validators.parameters).compile(schema);
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
