import { defineErrors } from '@tokobapak/server';

/** The checklist service's error codes (a third-party service keeps its own catalogue). */
export const checklistErrors = defineErrors({
  CHECKLIST_NOT_FOUND: { status: 404, title: 'The store has no checklist (yet)' },
  CHECKLIST_ITEM_NOT_FOUND: { status: 404, title: 'The checklist has no such item' },
});
