import type { PromotedItemOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { PromotedItemDatabase } from '../database.js';

/** The promoted-item service's handler map, checked against its spec. */
export type PromotedItemHandlers = Handlers<PromotedItemOperations, PromotedItemDatabase>;
