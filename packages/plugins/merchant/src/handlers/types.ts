import type { MerchantOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { MerchantDatabase } from '../database.js';
import type { MerchantEvents } from '../generated/manifest.js';

/** The merchant service's handler map, checked against its spec. */
export type MerchantHandlers = Handlers<MerchantOperations, MerchantDatabase, MerchantEvents>;
