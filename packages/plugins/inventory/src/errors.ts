import { defineErrors } from '@tokobapak/server';

/** Every coded error the inventory service answers with (the spec's operation descriptions name them). */
export const inventoryErrors = defineErrors({
  INVENTORY_PRODUCT_NOT_FOUND: { status: 404, title: 'No such product' },
  INVENTORY_VARIANT_NOT_FOUND: { status: 404, title: 'No such variant' },
  INVENTORY_INVALID_PRODUCT: { status: 400, title: 'The product is not consistent' },
  INVENTORY_HANDLE_TAKEN: { status: 409, title: 'Another product of this store has this handle' },
  INVENTORY_SKU_TAKEN: { status: 409, title: 'Another product of this store has this SKU' },
  INVENTORY_STOCK_BELOW_RESERVED: { status: 409, title: 'The stock on hand cannot go below what is reserved' },
  INVENTORY_IMPORT_REJECTED: { status: 422, title: 'Some rows are not valid; nothing was imported' },
  INVENTORY_IMPORT_NOT_FOUND: { status: 404, title: 'No such import (or it expired, or was abandoned)' },
  INVENTORY_IMPORT_NOT_OPEN: { status: 409, title: 'The import was already committed' },
  INVENTORY_CURRENCY_REQUIRED: { status: 400, title: 'Price filters need a currency' },
  INVENTORY_QUERY_REQUIRED: { status: 400, title: 'Sorting by relevance needs a search query' },
  INVENTORY_INSUFFICIENT_STOCK: { status: 409, title: 'Not enough stock for every item' },
  INVENTORY_RESERVATION_NOT_FOUND: { status: 404, title: 'No such reservation' },
  INVENTORY_RESERVATION_NOT_ACTIVE: { status: 409, title: 'The reservation was already released, expired or committed' },
  INVENTORY_RESERVATION_MISMATCH: { status: 409, title: 'This reference was used to reserve other items' },
});
