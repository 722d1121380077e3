import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { shippingChoices } from './0002-shipping-choices.js';
import { lineReferences } from './0003-line-references.js';

/** The cart service's migrations, applied in name order inside schema `cart`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-shipping-choices': shippingChoices,
  '0003-line-references': lineReferences,
};
