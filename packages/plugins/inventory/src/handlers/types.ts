import type { InventoryOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { InventoryDatabase } from '../database.js';
import type { InventoryEvents } from '../generated/manifest.js';

/** The inventory service's handler map, checked against its spec. */
export type InventoryHandlers = Handlers<InventoryOperations, InventoryDatabase, InventoryEvents>;
