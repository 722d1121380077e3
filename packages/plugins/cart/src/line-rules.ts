/** The most units one line holds (the spec's bound on a quantity). */
export const MAX_LINE_QUANTITY = 10000;

/** Why a line may not be added to a cart as it was read. */
export type LineRefusal = 'CART_NOT_OPEN' | 'CART_CURRENCY_MISMATCH' | 'CART_LINE_QUANTITY_LIMIT' | 'CART_INSUFFICIENT_STOCK' | 'CART_TOO_MANY_LINES';
