import { type QueryTemplate, queryTemplate } from '@tokobapak/server';
import { type Expression, type ExpressionBuilder, expressionBuilder } from 'kysely';
import type { PaymentDatabase, PaymentStatus } from './database.js';
import type { PaymentRow } from './mappers.js';
import type { ChargeRequest, ChargeResult, ChargeValues, InDatabaseCharge, PaymentProvider } from './providers/provider.js';
import type { PaymentContext } from './transitions.js';

/** The payment with the charge's answer stored, how many history entries it has, and whether its reference was voided. */
export type StoredCharge = PaymentRow & { history_count: string | number; voided: boolean };

/**
 * What charging a claimed payment did: the gateway's answer (none when the payment turned out to
 * be charged by a concurrent call, or no longer pending), and the payment as this call stored the
 * answer on it (none when another call stored one first, or nothing was charged).
 */
export interface Charged {
  charge: ChargeResult | undefined;
  stored: StoredCharge | undefined;
}

/**
 * Charges a claimed payment (committed before: see `createPayment`) at its gateway and stores the
 * answer. A gateway whose charge is a write in this database makes it in the statement that stores
 * the answer (one round trip); any other is called, then the answer is stored (`payment_store_charge`).
 */
export async function chargeAndStore(ctx: PaymentContext, provider: PaymentProvider, request: ChargeRequest): Promise<Charged> {
  if (provider.inDatabaseCharge) {
    const { values, answer } = provider.inDatabaseCharge.prepare(ctx, request);
    const rows = await inDatabaseStatement(provider.inDatabaseCharge).execute(ctx.db, {
      id: request.paymentId,
      instructions: JSON.stringify(answer.instructions),
      providerReference: answer.providerReference,
      now: ctx.clock.now(),
      ...Object.fromEntries(Object.entries(values).map(([name, value]) => [`${GATEWAY}${name}`, value])),
    });
    const [row] = rows;
    // Not chargeable: a concurrent call stored its charge first, or a cancellation or void moved the payment.
    if (!row) return { charge: undefined, stored: undefined };
    if (row.id !== null) return { charge: answer, stored: row as StoredCharge };
    // Chargeable, but the gateway has a charge of the payment already whose answer was never stored
    // (the path below, cut short): it answers with that one, as any gateway does.
  }
  const charge = await provider.charge(ctx, request);
  const [stored] = await storeStatement.execute(ctx.db, {
    id: request.paymentId,
    instructions: JSON.stringify(charge.instructions),
    providerReference: charge.providerReference,
    now: ctx.clock.now(),
  });
  return { charge, stored };
}

type StoreValues = { id: string; instructions: string; providerReference: string; now: Date };

/**
 * Stores the gateway's answer on a payment that has none yet, answering the row with how many
 * history entries it has, so that a payment nobody else has touched is answered from what this
 * call wrote, and whether its reference was voided; compiled once (every checkout's payment runs
 * it, or the in-database statement below).
 */
const storeStatement = queryTemplate<PaymentDatabase, StoreValues, StoredCharge>({
  name: 'payment_store_charge',
  build: (db, p) =>
    db
      .updateTable('payments')
      .set({ instructions: p.instructions, provider_reference: p.providerReference, updated_at: p.now })
      .where('id', '=', p.id)
      .where('instructions', 'is', null)
      .returningAll()
      .returning((eb) => chargeExtras(eb as never, 'payments')) as never,
});

/** The payment tables a charging statement reads, with its updated payment under the name the statement gives it. */
type ChargingTables = PaymentDatabase & { stored: PaymentDatabase['payments'] };

/** What {@link StoredCharge} adds to the payment row `table` names: its history count and whether its reference was voided. */
function chargeExtras(eb: ExpressionBuilder<ChargingTables, 'payments' | 'stored'>, table: 'payments' | 'stored') {
  return [
    eb
      .selectFrom('payment_history')
      .select(eb.fn.countAll<string>().as('n'))
      .where('payment_history.payment_id', '=', eb.ref(`${table}.id`))
      .as('history_count'),
    eb
      .exists(
        eb
          .selectFrom('voided_references')
          .select('reference')
          .where('voided_references.reference', '=', eb.ref(`${table}.reference`)),
      )
      .as('voided'),
  ];
}

/** Where the gateway's values are among the statement's placeholders. */
const GATEWAY = 'gateway.';

/** A row of the in-database statement: none when not chargeable; the payment's columns null when the gateway had a charge already. */
type InDatabaseRow = { [K in keyof StoredCharge]: StoredCharge[K] | null };

const inDatabaseStatements = new WeakMap<InDatabaseCharge, QueryTemplate<PaymentDatabase, StoreValues & ChargeValues, InDatabaseRow>>();

/**
 * The charge and its answer stored in one statement, compiled once per gateway:
 *
 * 1. `chargeable` locks the payment if it is, as last committed, pending with no answer stored. The
 *    lock comes first, so every later part runs on the row as it now is, held until the commit:
 *    concurrent creates of one reference wait here, then find it charged and charge nothing.
 * 2. `charged`: the gateway's write (`InDatabaseCharge.write`), made only on a chargeable payment,
 *    once per order id.
 * 3. `stored`: the answer stored on the payment, only when this statement made the charge (a charge
 *    made before, by `charge` alone, has another answer, stored by the path that asks for it).
 * 4. The answers `payment_store_charge` gives: the row, its history count, whether it was voided.
 *
 * A void's check reads this statement's snapshot, taken after the claim committed, so a void that
 * committed before this statement began is seen (the answer says `voided`, and the create cancels
 * its charge). A void committed while it runs is not, and its own look at the gateway may come
 * before this charge commits; it is still not missed: a void that cancels the payment first leaves
 * it not `chargeable` (no charge is made), and one that cancels it after waits for this lock and
 * finds the answer stored, which tells it to ask the gateway again (`cancelPending`).
 */
function inDatabaseStatement(charge: InDatabaseCharge): QueryTemplate<PaymentDatabase, StoreValues & ChargeValues, InDatabaseRow> {
  let statement = inDatabaseStatements.get(charge);
  if (!statement) {
    statement = queryTemplate<PaymentDatabase, StoreValues & ChargeValues, InDatabaseRow>({
      name: `payment_charge_${charge.name}`,
      build: (db, p) => {
        const gatewayPlaceholders = new Proxy({}, { get: (_target, name) => (p as Record<string, unknown>)[`${GATEWAY}${String(name)}`] });
        const chargeable = expressionBuilder<{ chargeable: { id: string } }, 'chargeable'>();
        return (
          db
            .with('chargeable', (db) =>
              db
                .selectFrom('payments')
                .select('id')
                .where('id', '=', p.id)
                .where('status', '=', 'pending' satisfies PaymentStatus)
                .where('instructions', 'is', null)
                .forNoKeyUpdate(),
            )
            // An insert of any of the schema's tables: Kysely takes its query as the CTE's (typed by its answer alone).
            .with(
              'charged',
              () =>
                charge.write(
                  db,
                  gatewayPlaceholders as never,
                  chargeable.exists(chargeable.selectFrom('chargeable').select('chargeable.id')),
                ) as unknown as Expression<{
                  order_id: string;
                }>,
            )
            .with('stored', (db) =>
              db
                .updateTable('payments')
                .set({ instructions: p.instructions, provider_reference: p.providerReference, updated_at: p.now })
                .where('id', '=', p.id)
                .where((eb) => eb.exists(eb.selectFrom('charged').select('charged.order_id')))
                .returningAll(),
            )
            .selectFrom('chargeable')
            .leftJoin('stored', (join) => join.onTrue())
            .selectAll('stored')
            .select((eb) => chargeExtras(eb as never, 'stored')) as never
        );
      },
    });
    inDatabaseStatements.set(charge, statement);
  }
  return statement;
}
