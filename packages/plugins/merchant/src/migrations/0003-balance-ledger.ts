import { type Kysely, type Migration, sql } from 'kysely';

/**
 * The balance ledger (accounts, postings, entries) and withdrawals. Entries are immutable and every
 * posting balances: both are enforced by the database, not only by the code that writes them.
 */
export const balanceLedger: Migration = {
  // biome-ignore lint/suspicious/noExplicitAny: migrations run against the live schema
  async up(db: Kysely<any>) {
    const now = sql`now()`;
    await db.schema
      .createTable('ledger_accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // A store id, or 'platform' for the platform's own accounts.
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sql`kind in ('store_available', 'store_pending', 'platform_clearing', 'platform_fee_revenue', 'platform_adjustments')`),
      )
      .addColumn('currency', 'text', (c) => c.notNull())
      // The natural balance (credit-normal accounts count credits as positive), kept for store
      // accounts under a row lock; platform accounts are summed from their entries instead.
      .addColumn('balance', 'bigint', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('ledger_accounts_unique').on('ledger_accounts').columns(['owner', 'kind', 'currency']).unique().execute();

    await db.schema
      .createTable('ledger_postings')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) =>
        c.notNull().check(sql`kind in ('order_completed', 'order_refunded', 'adjustment', 'withdrawal_requested', 'withdrawal_rejected', 'withdrawal_paid')`),
      )
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      // What the posting records, once: 'order.completed:<orderId>', 'order.refunded:<refundId>', ...
      .addColumn('source_key', 'text', (c) => c.notNull())
      .addColumn('order_id', 'text')
      .addColumn('refund_id', 'text')
      .addColumn('withdrawal_id', 'text')
      .addColumn('memo', 'text', (c) => c.notNull())
      .addColumn('created_by_user_id', 'text')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('ledger_postings_source_key').on('ledger_postings').column('source_key').unique().execute();

    await db.schema
      .createTable('ledger_entries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('posting_id', 'text', (c) => c.notNull().references('ledger_postings.id'))
      .addColumn('account_id', 'text', (c) => c.notNull().references('ledger_accounts.id'))
      // The account's owner and currency, copied so a store's entries list from one index.
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      // Signed: debits positive, credits negative; a posting's entries sum to zero.
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount <> 0`))
      // The account's natural balance after this entry; null on platform accounts (not cached).
      .addColumn('balance_after', 'bigint')
      .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
      .execute();
    await db.schema.createIndex('ledger_entries_owner').on('ledger_entries').columns(['owner', 'currency', 'id']).execute();
    await db.schema.createIndex('ledger_entries_account').on('ledger_entries').columns(['account_id', 'id']).execute();
    await db.schema.createIndex('ledger_entries_posting').on('ledger_entries').column('posting_id').execute();

    await sql`
      create function merchant.ledger_entries_immutable() returns trigger
      language plpgsql as $$
      begin
        raise exception 'ledger entries are immutable: post a correction instead';
      end $$`.execute(db);
    await sql`
      create trigger ledger_entries_immutable before update or delete on merchant.ledger_entries
      for each row execute function merchant.ledger_entries_immutable()`.execute(db);
    // Checked at commit, once every entry of the posting is in.
    await sql`
      create function merchant.ledger_posting_balanced() returns trigger
      language plpgsql as $$
      begin
        if (select sum(amount) from merchant.ledger_entries where posting_id = new.posting_id) <> 0 then
          raise exception 'ledger posting % does not balance', new.posting_id;
        end if;
        return null;
      end $$`.execute(db);
    await sql`
      create constraint trigger ledger_posting_balanced after insert on merchant.ledger_entries
      deferrable initially deferred
      for each row execute function merchant.ledger_posting_balanced()`.execute(db);

    await db.schema
      .createTable('withdrawals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('store_id', 'text', (c) => c.notNull())
      .addColumn('currency', 'text', (c) => c.notNull())
      .addColumn('amount', 'bigint', (c) => c.notNull().check(sql`amount > 0`))
      .addColumn('bank_code', 'text', (c) => c.notNull())
      .addColumn('account_number', 'text', (c) => c.notNull())
      .addColumn('account_holder_name', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested', 'approved', 'paid', 'rejected')`))
      .addColumn('requested_by_user_id', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'timestamptz', (c) => c.notNull())
      .addColumn('approved_at', 'timestamptz')
      .addColumn('approved_by_user_id', 'text')
      .addColumn('paid_at', 'timestamptz')
      .addColumn('paid_by_user_id', 'text')
      .addColumn('payout_reference', 'text')
      .addColumn('rejected_at', 'timestamptz')
      .addColumn('rejected_by_user_id', 'text')
      .addColumn('rejection_reason', 'text')
      .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('withdrawals_store').on('withdrawals').columns(['store_id', 'id']).execute();
    await db.schema.createIndex('withdrawals_status').on('withdrawals').columns(['status', 'id']).execute();
  },
  // biome-ignore lint/suspicious/noExplicitAny: see above
  async down(db: Kysely<any>) {
    for (const table of ['withdrawals', 'ledger_entries', 'ledger_postings', 'ledger_accounts']) {
      await db.schema.dropTable(table).ifExists().execute();
    }
    await sql`drop function if exists merchant.ledger_entries_immutable()`.execute(db);
    await sql`drop function if exists merchant.ledger_posting_balanced()`.execute(db);
  },
};
