import type { PromotionOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { PromotionDatabase } from '../database.js';
import type { PromotionEvents } from '../generated/manifest.js';

/** The promotion service's handler map, checked against its spec. */
export type PromotionHandlers = Handlers<PromotionOperations, PromotionDatabase, PromotionEvents>;
