import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { voidedReferences } from './0002-voided-references.js';
import { voidUpkeep } from './0003-void-upkeep.js';
import { paymentListing } from './0004-payment-listing.js';
import { refundOwed } from './0005-refund-owed.js';

/** The payment service's migrations, applied in name order inside schema `payment`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-voided-references': voidedReferences,
  '0003-void-upkeep': voidUpkeep,
  '0004-payment-listing': paymentListing,
  '0005-refund-owed': refundOwed,
};
