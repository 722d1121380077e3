import { applyMigrations } from '@tokobapak/server';
import { openTestDatabase } from '@tokobapak/server/testing';
import { sql } from 'kysely';
import { expect, test } from 'vitest';
import { paymentPlugin } from '../src/index.js';

// Migration `0005-refund-owed` on a store that already has refused refunds: each payment still
// holding money starts owing its refused refunds, at most what it holds (the old queue's rule);
// payments refunded in full, or never refused, owe nothing. It also goes down and up again.

test('payments refused before the migration start owing what the old queue listed them for', async () => {
  const database = await openTestDatabase();
  const plugins = [paymentPlugin({ env: {} })];
  try {
    expect((await applyMigrations(database.db, plugins, 'up')).error).toBeUndefined();
    // Back to the store as it was before 0005 (the latest migration of each plugin goes down).
    const down = await applyMigrations(database.db, plugins, 'down');
    expect(down.error).toBeUndefined();
    expect(down.results.filter((result) => result.service === 'payment').map((result) => result.migration)).toEqual(['0005-refund-owed']);

    const payment = async (id: string, status: string, amount: number, refunded: number) =>
      sql`insert into payment.payments (id, reference, provider, status, amount, currency, refunded_amount, method, expires_at)
          values (${id}, ${`chk_${id}`}, 'midtrans', ${status}, ${amount}, 'IDR', ${refunded}, ${JSON.stringify({ type: 'qris' })}::jsonb, now())`.execute(
        database.db,
      );
    const refund = async (id: string, paymentId: string, amount: number, status: string, at: string) =>
      sql`insert into payment.refunds (id, payment_id, idempotency_key, amount, currency, status, created_at, updated_at)
          values (${id}, ${paymentId}, ${id}, ${amount}, 'IDR', ${status}, ${at}, ${at})`.execute(database.db);
    await payment('pay_refused', 'paid', 150_000, 0);
    await refund('rfd_a', 'pay_refused', 40_000, 'failed', '2026-11-01T10:00:00Z');
    await refund('rfd_b', 'pay_refused', 30_000, 'failed', '2026-11-02T10:00:00Z');
    await payment('pay_over', 'partially_refunded', 150_000, 100_000);
    await refund('rfd_c', 'pay_over', 100_000, 'succeeded', '2026-11-01T09:00:00Z');
    await refund('rfd_d', 'pay_over', 150_000, 'failed', '2026-11-03T10:00:00Z');
    await payment('pay_done', 'refunded', 150_000, 150_000);
    await refund('rfd_e', 'pay_done', 150_000, 'failed', '2026-11-01T10:00:00Z');
    await refund('rfd_f', 'pay_done', 150_000, 'succeeded', '2026-11-02T10:00:00Z');
    await payment('pay_clean', 'paid', 150_000, 0);

    expect((await applyMigrations(database.db, plugins, 'up')).error).toBeUndefined();
    const { rows } = await sql<{ id: string; refund_owed: string | number; refund_owed_since: Date | null }>`
      select id, refund_owed, refund_owed_since from payment.payments order by id`.execute(database.db);
    expect(rows.map((row) => [row.id, Number(row.refund_owed), row.refund_owed_since && new Date(row.refund_owed_since).toISOString()])).toEqual([
      ['pay_clean', 0, null],
      ['pay_done', 0, null],
      ['pay_over', 50_000, '2026-11-03T10:00:00.000Z'],
      ['pay_refused', 70_000, '2026-11-01T10:00:00.000Z'],
    ]);
    // More owed than held is refused by the database itself.
    await expect(sql`update payment.payments set refund_owed = 150001 where id = 'pay_clean'`.execute(database.db)).rejects.toThrow();
  } finally {
    await database.close();
  }
});
