import { expectTypeOf, test } from 'vitest';
import { definePlugin, type HandlerRequest, type OpenApiDocument } from '../src/index.js';

// The shape openapi-typescript generates, for two operations.
interface Operations {
  getThing: {
    parameters: { query?: never; header?: never; path: { thingId: string }; cookie?: never };
    requestBody?: never;
    responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { id: string; name: string } } } };
  };
  deleteThing: {
    parameters: { query?: never; header?: never; path: { thingId: string }; cookie?: never };
    requestBody?: never;
    responses: { 204: { headers: Record<string, unknown>; content?: never } };
  };
}

const spec = {} as OpenApiDocument;
const base = { name: 'things', summary: 'Things', spec, migrations: {} };

test('a plugin with exactly one handler per operation compiles, with typed requests', () => {
  definePlugin<Operations, unknown>({
    ...base,
    handlers: {
      async getThing(request) {
        expectTypeOf(request.params.thingId).toEqualTypeOf<string>();
        return { id: request.params.thingId, name: 'kopi' };
      },
      async deleteThing() {},
    },
  });
});

test('a missing handler, an extra handler, or a wrong response does not compile', () => {
  definePlugin<Operations, unknown>({
    ...base,
    // @ts-expect-error deleteThing has no handler
    handlers: {
      async getThing(request) {
        return { id: request.params.thingId, name: 'kopi' };
      },
    },
  });
  definePlugin<Operations, unknown>({
    ...base,
    handlers: {
      async getThing(request) {
        return { id: request.params.thingId, name: 'kopi' };
      },
      async deleteThing() {},
      // @ts-expect-error no operation is called renameThing
      async renameThing() {},
    },
  });
  definePlugin<Operations, unknown>({
    ...base,
    handlers: {
      // @ts-expect-error name is missing from the response
      async getThing(request) {
        return { id: request.params.thingId };
      },
      async deleteThing() {},
    },
  });
  expectTypeOf<HandlerRequest<Operations['getThing']>['body']>().toEqualTypeOf<undefined>();
});
