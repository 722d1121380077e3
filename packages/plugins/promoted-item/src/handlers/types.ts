import type { PromotedItemOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { PromotedItemDatabase } from '../database.js';
import type { PromotedItemEvents } from '../generated/manifest.js';

/** The promoted-item service's handler map, checked against its spec. */
export type PromotedItemHandlers = Handlers<PromotedItemOperations, PromotedItemDatabase, PromotedItemEvents>;
