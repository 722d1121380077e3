import type { ProcessStep } from '@tokobapak/server';
import type { CheckoutRequest } from './checkout-cart.js';
import type { CheckoutMemo, SettlementMemo } from './checkout-store.js';
import type { OrderDatabase } from './database.js';
import type { SettlementInput } from './settlement.js';

/** One step of the checkout process, returning `Output` for its compensation. */
export type CheckoutStep<Output = unknown> = ProcessStep<OrderDatabase, CheckoutRequest, CheckoutMemo, Output>;

/** One step of the settling or releasing process of a decided checkout. */
export type SettlementStep = ProcessStep<OrderDatabase, SettlementInput, SettlementMemo>;
