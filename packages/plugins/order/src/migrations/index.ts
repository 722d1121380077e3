import type { Migration } from 'kysely';
import { initial } from './0001-initial.js';
import { checkoutProgress } from './0002-checkout-progress.js';
import { shipmentsAndRefunds } from './0003-shipments-and-refunds.js';
import { refundRequestKeys } from './0004-refund-request-keys.js';
import { refundsOwedByHand } from './0005-refunds-owed-by-hand.js';
import { orderDeadlines } from './0006-order-deadlines.js';

/** The order service's migrations, applied in name order inside schema `order`. */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-checkout-progress': checkoutProgress,
  '0003-shipments-and-refunds': shipmentsAndRefunds,
  '0004-refund-request-keys': refundRequestKeys,
  '0005-refunds-owed-by-hand': refundsOwedByHand,
  '0006-order-deadlines': orderDeadlines,
};
