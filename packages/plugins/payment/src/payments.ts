import type { PaymentComponents } from '@tokobapak/sdk';
import { type Caller, isProblemError, newId } from '@tokobapak/server';
import { cancelPending } from './cancellation.js';
import { type Charged, chargeAndStore } from './charging.js';
import type { StoredMethod } from './database.js';
import { paymentErrors } from './errors.js';
import { type HistoryRow, type PaymentRow, toPayment } from './mappers.js';
import type { Gateways } from './providers/index.js';
import type { PaymentProvider } from './providers/provider.js';
import type { Payer } from './providers/sandbox.js';
import { claimStatement } from './status-statements.js';
import { applyGatewayStatus, lockPayment, mustRead, type PaymentContext, readPayment, settle } from './transitions.js';

type Schemas = PaymentComponents['schemas'];

/**
 * Creates the payment of a checkout and charges it at the gateway. The payment row is written
 * first (unique per reference), then the gateway is called outside any transaction with the
 * payment id as its order id, then the answer is stored. Every step can be repeated: a second
 * call with the reference finds the row and, if the gateway's answer was never stored (a timeout,
 * a crash, a concurrent first call), charges again — which the gateway answers with the charge it
 * already made. So retries, also concurrent ones, make one charge. A gateway whose charge is a
 * write in this database (the sandbox) makes it in the statement that stores the answer, which
 * charges only a payment still pending without one (`charging.ts`): two statements in all.
 *
 * A voided reference (`voids.ts`) is refused with `PAYMENT_REFERENCE_VOIDED`: before the charge when
 * the void came first, and after it when the void came while it ran, the charge then cancelled.
 */
export async function createPayment(ctx: PaymentContext, gateways: Gateways, input: Schemas['PaymentInput']): Promise<Schemas['Payment']> {
  const provider = gateways.current;
  const method = input.method as StoredMethod;
  if (!provider.supports(method, input.amount.currency)) {
    throw paymentErrors.PAYMENT_METHOD_UNSUPPORTED(`The ${provider.name} gateway does not offer ${describe(method)} in ${input.amount.currency}`);
  }
  const { row, made } = await claimReference(ctx, gateways, provider, input, method);
  if (row.instructions !== null || row.status !== 'pending') return mustRead(ctx, row.id);

  let charged: Charged;
  try {
    // The claim is its own statement, committed before this one starts, never merged into it: a
    // void commits before it looks for the payment, so a void this statement's check does not see
    // committed after the claim, and its look finds the payment (`voids.ts`, `charging.ts`).
    charged = await chargeAndStore(ctx, provider, {
      paymentId: row.id,
      amount: Number(row.amount),
      currency: row.currency,
      method,
      expiresAt: new Date(row.expires_at),
      customerId: row.customer_id,
    });
  } catch (error) {
    // A refusal is final: the payment failed (and says so). No answer leaves it pending for a retry or for reconciliation.
    if (isProblemError(error) && error.code === 'PAYMENT_PROVIDER_REFUSED') await failRefused(ctx, row.id, error.message);
    throw error;
  }
  // The answer was stored in one statement with no transaction of its own, answering the row with
  // how many history entries it has, so that a payment nobody else has touched is answered from
  // what this call wrote, and whether the reference was voided meanwhile. Read after the payment
  // was committed (and, from a gateway outside the database, after its charge was made), that is
  // what closes the race with a void, which commits first and looks for the payment after
  // (`voids.ts`; for a charge made in the same statement, see `charging.ts`).
  const { charge, stored } = charged;
  if (stored ? stored.voided : await isVoided(ctx, row.reference)) {
    // The row as it now is: charged, or (stored by a concurrent call) read again.
    const current = stored ? withoutExtras(stored) : await ctx.db.selectFrom('payments').selectAll().where('id', '=', row.id).executeTakeFirst();
    await refuseVoided(ctx, gateways, row.reference, current, stored !== undefined);
  }
  if (charge && charge.status !== 'pending') {
    await applyGatewayStatus(
      ctx,
      { paymentId: row.id, provider: provider.name, status: charge.status, amount: null, note: `${provider.name}: ${charge.status} at charge` },
      'api',
    );
  }
  if (made && stored && charge?.status === 'pending' && stored.status === 'pending' && Number(stored.history_count) === 1) {
    return toPayment(withoutExtras(stored), [made], []);
  }
  return mustRead(ctx, row.id);
}

/**
 * The payment row of the reference: made now (with the history entry written beside it), or the
 * one made before with the same amount, customer and method.
 */
async function claimReference(
  ctx: PaymentContext,
  gateways: Gateways,
  provider: PaymentProvider,
  input: Schemas['PaymentInput'],
  method: StoredMethod,
): Promise<{ row: PaymentRow; made?: HistoryRow }> {
  const now = ctx.clock.now();
  const entry = { id: newId('pst'), status: 'pending' as const, source: 'api' as const, note: `${provider.name}: ${describe(method)}`, at: now };
  const [inserted] = await claimStatement.execute(ctx.db, {
    id: newId('pay'),
    reference: input.reference,
    customerId: input.customerId,
    provider: provider.name,
    amount: input.amount.amount,
    currency: input.amount.currency,
    method: JSON.stringify(method),
    expiresAt: new Date(now.getTime() + (input.expiresInSeconds ?? 86_400) * 1000),
    now,
    entryId: entry.id,
    note: entry.note,
  });
  if (inserted) return { row: inserted, made: { ...entry, payment_id: inserted.id } };
  // Not made: the reference has a payment, or was voided (or both). A rare path: two small reads.
  const existing = await ctx.db.selectFrom('payments').selectAll().where('reference', '=', input.reference).executeTakeFirst();
  if (!existing || (await isVoided(ctx, input.reference))) return refuseVoided(ctx, gateways, input.reference, existing);
  const same =
    Number(existing.amount) === input.amount.amount &&
    existing.currency === input.amount.currency &&
    existing.customer_id === input.customerId &&
    sameMethod(existing.method, method);
  if (!same) throw paymentErrors.PAYMENT_REFERENCE_MISMATCH(`Reference ${input.reference} already has a payment of another amount, customer or method`);
  return { row: existing };
}

/** The payment row of what the store statement answered. */
function withoutExtras({ history_count: _, voided: __, ...row }: PaymentRow & { history_count: unknown; voided: unknown }): PaymentRow {
  return row;
}

/** Whether `voidPayment` voided the reference. */
async function isVoided(ctx: PaymentContext, reference: string): Promise<boolean> {
  const row = await ctx.db.selectFrom('voided_references').select('reference').where('reference', '=', reference).executeTakeFirst();
  return row !== undefined;
}

/**
 * Refuses a create of a voided reference. A payment of it still pending (the void's own
 * cancellation failed, or has not run yet) is cancelled first; so is the charge this call has just
 * made (`charged`), also when the void already cancelled the payment here: the void may have asked
 * the gateway before the charge reached it. Whichever of the two sees the other last cancels the
 * charge. A failure to cancel is thrown instead, for the caller to retry.
 */
async function refuseVoided(ctx: PaymentContext, gateways: Gateways, reference: string, row: PaymentRow | undefined, charged = false): Promise<never> {
  if (row && (row.status === 'pending' || (charged && row.status === 'cancelled'))) {
    await cancelPending(ctx, gateways, row, 'cancelled: the reference was voided');
  }
  throw paymentErrors.PAYMENT_REFERENCE_VOIDED(`Reference ${reference} was voided: no payment is made for it`);
}

async function failRefused(ctx: PaymentContext, paymentId: string, why: string): Promise<void> {
  await ctx.transaction(async (tx) => {
    const row = await lockPayment(tx, paymentId);
    if (row?.status === 'pending') await settle(tx, row, 'failed', 'api', why.slice(0, 500), ctx.clock.now());
  });
}

/** A payment as the caller may see it: a customer only their own (another's is "not found"), admins and services any. */
export async function paymentFor(ctx: PaymentContext, caller: Caller, paymentId: string): Promise<Schemas['Payment']> {
  const payment = await readPayment(ctx.db, paymentId);
  if (!payment || !mayRead(caller, payment.customerId)) throw paymentErrors.PAYMENT_NOT_FOUND();
  return payment;
}

/** Whether the caller may read (and, in the sandbox, pay) a payment of `customerId`. */
export function mayRead(caller: Caller, customerId: string | null): boolean {
  const payer = payerOf(caller);
  return payer === 'anyone' || (payer !== undefined && customerId !== null && payer.customerId === customerId);
}

/** Whose payments the caller may read (and, in the sandbox, pay): a customer only their own, admins and services any, others none. */
export function payerOf(caller: Caller): Payer | undefined {
  if (caller.kind === 'service') return 'anyone';
  if (caller.kind !== 'user') return undefined;
  return caller.role === 'admin' ? 'anyone' : { customerId: caller.userId };
}

/** jsonb keeps its own key order, so methods are compared field by field. */
function sameMethod(a: StoredMethod, b: StoredMethod): boolean {
  const fields = (method: StoredMethod) => Object.entries(method).sort(([x], [y]) => (x < y ? -1 : 1));
  return JSON.stringify(fields(a)) === JSON.stringify(fields(b));
}

function describe(method: StoredMethod): string {
  switch (method.type) {
    case 'virtual_account':
      return `${method.bank.toUpperCase()} virtual account`;
    case 'ewallet':
      return `${method.provider} e-wallet`;
    case 'qris':
      return 'QRIS';
    case 'card':
      return 'card';
  }
}
