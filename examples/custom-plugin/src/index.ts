/**
 * An example third-party TokoBapak service, kept outside `packages/`: a new store's getting-started
 * checklist. It uses only what the published packages export: a spec of its own (`openapi.yaml`),
 * its handlers, a migration in its own schema, and a subscription to the merchant service's
 * `merchant.store-created` event. A store loads it beside the built-in plugins:
 *
 * @example
 * const server = await createServer({ plugins: [authPlugin(), userPlugin(), merchantPlugin(), checklistPlugin()] });
 */
import { readFileSync } from 'node:fs';
import { type EventPayloads, eventSchemas, eventTypes } from '@tokobapak/sdk';
import { definePlugin, eventSubscriber, type OpenApiDocument, type Plugin, type PluginManifest, requireStore } from '@tokobapak/server';
import { parse } from 'yaml';
import { completeItem, createChecklist, readChecklist } from './checklist.js';
import type { ChecklistDatabase } from './database.js';
import { checklistErrors } from './errors.js';
import type { operations } from './generated/openapi.js';
import { migrations } from './migrations.js';

/**
 * The events this service consumes (it publishes none), typed by the catalogue `@tokobapak/sdk`
 * generates from the built-in specs. A plugin outside the repository writes this by hand; the
 * manifest's schema makes the runtime check each payload before the handler runs.
 */
interface ChecklistEvents {
  publishes: Record<never, never>;
  consumes: Pick<EventPayloads, typeof eventTypes.merchant.storeCreated>;
}
const manifest: PluginManifest<ChecklistEvents> = {
  service: 'checklist',
  publishes: [],
  consumes: [eventTypes.merchant.storeCreated],
  consumedSchemas: { [eventTypes.merchant.storeCreated]: eventSchemas[eventTypes.merchant.storeCreated] },
};
const subscribe = eventSubscriber<ChecklistDatabase, ChecklistEvents>();

const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as OpenApiDocument;

/** The checklist service as a plugin. */
export function checklistPlugin(): Plugin {
  return definePlugin<operations, ChecklistDatabase, ChecklistEvents>({
    name: 'checklist',
    summary: "A new store's getting-started checklist (an example third-party service)",
    spec,
    manifest,
    migrations,
    errors: checklistErrors,
    handlers: {
      async getChecklist(_request, ctx) {
        const { storeId } = requireStore(ctx.caller);
        const checklist = await readChecklist(ctx.db, storeId);
        if (!checklist) throw checklistErrors.CHECKLIST_NOT_FOUND(`Store ${storeId} has no checklist yet`);
        return checklist;
      },
      async completeChecklistItem({ params }, ctx) {
        const { storeId } = requireStore(ctx.caller);
        if (!(await completeItem(ctx.db, storeId, params.key, ctx.clock.now()))) {
          const exists = await readChecklist(ctx.db, storeId);
          if (!exists) throw checklistErrors.CHECKLIST_NOT_FOUND(`Store ${storeId} has no checklist yet`);
          throw checklistErrors.CHECKLIST_ITEM_NOT_FOUND(`The checklist has no item "${params.key}"`);
        }
        return (await readChecklist(ctx.db, storeId)) as NonNullable<Awaited<ReturnType<typeof readChecklist>>>;
      },
    },
    subscriptions: [
      subscribe({
        name: 'open-checklist',
        types: [eventTypes.merchant.storeCreated],
        async handle(event, tx) {
          // Typed by merchant.yaml's StoreCreatedEvent and checked against it before this runs.
          await createChecklist(tx.db, event.data.storeId);
        },
      }),
    ],
  });
}
