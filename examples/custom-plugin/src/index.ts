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
import { definePlugin, type OpenApiDocument, type Plugin, requireStore } from '@tokobapak/server';
import { parse } from 'yaml';
import { completeItem, createChecklist, readChecklist } from './checklist.js';
import type { ChecklistDatabase } from './database.js';
import { checklistErrors } from './errors.js';
import type { operations } from './generated/openapi.js';
import { migrations } from './migrations.js';

/** The event that opens a checklist, and the part of its data this service reads. */
const STORE_CREATED = 'merchant.store-created';

const spec = parse(readFileSync(new URL('../openapi.yaml', import.meta.url), 'utf8')) as OpenApiDocument;

/** The checklist service as a plugin. */
export function checklistPlugin(): Plugin {
  return definePlugin<operations, ChecklistDatabase>({
    name: 'checklist',
    summary: "A new store's getting-started checklist (an example third-party service)",
    spec,
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
      {
        name: 'open-checklist',
        types: [STORE_CREATED],
        async handle(event, tx) {
          const { storeId } = event.data as { storeId?: unknown };
          // Checked rather than cast: a producer's mistake must not write a checklist for nothing.
          if (typeof storeId !== 'string') throw new Error(`${STORE_CREATED} without a storeId`);
          await createChecklist(tx.db, storeId);
        },
      },
    ],
  });
}
