/**
 * A merchant's day at the order desk, through the SDK only: sign in as the demo merchant → act as
 * the store `toko-demo` → its products → the paid orders waiting → accept, ship and complete each → the
 * balance the completed orders credited → ask for a withdrawal to a bank account. Run against a
 * started demo store that has a paid order (`npx --yes pnpm@12.21.0 demo`, then
 * `npx tsx examples/storefront-checkout.ts`, then `npx tsx examples/merchant-orders.ts`).
 */
import { createClient } from '@tokobapak/sdk';

const baseUrl = process.env.TOKOBAPAK_URL ?? 'http://127.0.0.1:4000';
const rupiah = (amount: number) => `Rp ${amount.toLocaleString('id-ID')}`;
const merchant = createClient({ baseUrl });

// 1. Sign in (the account `pnpm demo` prints) and act as the store: later calls act inside it.
await merchant.auth.login({ body: { email: 'merchant@demo.tokobapak.dev', password: 'demo-seller-password' } });
const store = await merchant.merchant.getStoreByHandle({ params: { handle: 'toko-demo' } });
await merchant.actAsStore(store.id);
console.log(`acting as ${store.name} (${store.handle})`);

// 2. The store's own products, drafts included.
for await (const product of merchant.inventory.listStoreProducts.iterate({ query: { limit: 50 } })) {
  console.log(`product ${product.handle}: ${product.status}, ${product.variants.map((variant) => `${variant.stockOnHand} on hand`).join(', ')}`);
}

// 3. The order desk: paid orders wait for the store. Accept each, ship it, then complete it.
const before = await merchant.merchant.getStoreBalance({ query: { currency: 'IDR' } });
const { items: waiting } = await merchant.order.listStoreOrders({ query: { status: 'paid', limit: 50 } });
console.log(`${waiting.length} paid order(s) waiting`);
if (waiting.length === 0) throw new Error('no paid order in toko-demo: run examples/storefront-checkout.ts first');
let credit = 0;
for (const order of waiting) {
  await merchant.order.acceptOrder({ params: { orderId: order.id }, body: { note: 'Dikemas hari ini' } });
  // The shipping service books the parcel with the quote the customer chose and gives a tracking number.
  const shipped = await merchant.order.shipOrder({ params: { orderId: order.id }, body: { note: 'Dikirim' } });
  console.log(`order ${shipped.id} shipped, tracking number ${shipped.shipping.trackingNumber}`);
  const done = await merchant.order.completeOrder({ params: { orderId: order.id }, body: {} });
  const fee = done.platformFee?.amount ?? 0;
  credit += done.totals.total.amount - fee;
  const lines = done.lines.map((line) => `${line.quantity} × ${line.productTitle}`).join(', ');
  console.log(`order ${done.id} (${lines}): ${done.history.map((entry) => entry.status).join(' → ')}, platform fee ${rupiah(fee)}`);
}

// 4. The balance: a completed order credits the store its total less the fee, through an event, so it shows shortly after.
const deadline = Date.now() + 30_000;
let balance = before;
while (balance.available.amount < before.available.amount + credit) {
  if (Date.now() > deadline) throw new Error(`the balance never grew by ${rupiah(credit)}`);
  await new Promise((resolve) => setTimeout(resolve, 250));
  balance = await merchant.merchant.getStoreBalance({ query: { currency: 'IDR' } });
}
console.log(`balance: ${rupiah(balance.available.amount)} available (${rupiah(credit)} credited), ${rupiah(balance.pending.amount)} pending`);

// 5. Ask for the available money to be paid out; it moves to pending until an admin pays it.
const withdrawal = await merchant.merchant.requestWithdrawal({
  body: {
    amount: { amount: balance.available.amount, currency: 'IDR' },
    bankAccount: { bankCode: 'bca', accountNumber: '1234567890', accountHolderName: 'Bu Rina' },
    note: 'Penjualan minggu ini',
  },
});
console.log(`withdrawal ${withdrawal.id} of ${rupiah(withdrawal.amount.amount)}: ${withdrawal.status}`);
