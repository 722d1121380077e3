import type { MerchantComponents, TokoBapakClient } from '@tokobapak/sdk';

/** A bank account that passes the spec's checks. */
export const BANK_ACCOUNT: MerchantComponents['schemas']['BankAccount'] = { bankCode: 'bca', accountNumber: '1234567890', accountHolderName: 'Budi Santoso' };

/** Rupiah, in minor units (IDR has none). */
export function idr(amount: number): { amount: number; currency: 'IDR' } {
  return { amount, currency: 'IDR' };
}

/** Credits a store's available balance through an admin adjustment. */
export async function credit(admin: TokoBapakClient, storeId: string, amount: number, reason = 'Saldo awal untuk pengujian'): Promise<void> {
  await admin.merchant.adjustStoreBalance({ params: { storeId }, body: { amount: idr(amount), reason } });
}

/** The available and pending amounts of a store's IDR balance, as the store sees them. */
export async function balanceOf(session: TokoBapakClient): Promise<{ available: number; pending: number }> {
  const balance = await session.merchant.getStoreBalance();
  return { available: balance.available.amount, pending: balance.pending.amount };
}
