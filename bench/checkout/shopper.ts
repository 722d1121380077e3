import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { TEST_ADDRESS } from '../../packages/server/src/testing/addresses.js';

/** One HTTP answer: its status and parsed JSON body. */
interface Answer {
  status: number;
  body: unknown;
}

/** JSON over one kept-alive connection, as a browser or app talks to its store; `headers` go with every request. */
export class JsonConnection {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  headers: Record<string, string> = {};

  constructor(private readonly baseUrl: string) {}

  /** Sends one request; a non-2xx answer throws with its body, so a bench run cannot count a failure as done. */
  async send(method: string, path: string, body?: unknown): Promise<any> {
    const answer = await this.raw(method, path, body);
    if (answer.status >= 300) throw new Error(`${method} ${path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    return answer.body;
  }

  private raw(method: string, path: string, body?: unknown): Promise<Answer> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const url = new URL(path, this.baseUrl);
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: `${url.pathname}${url.search}`,
          method,
          agent: this.agent,
          headers: {
            accept: 'application/json, application/problem+json',
            ...this.headers,
            ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {}
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** What a shopper buys from: two stores, each with variants of a known weight. */
export interface Shelf {
  stores: Array<{ storeId: string; variantIds: string[] }>;
}

/** Where the parcels go: the tests' address (a file that imports nothing, so the server stays out of this process). */
const ADDRESS = TEST_ADDRESS;

const MAX_POLL_MS = 500;

/** The timings of one whole checkout, in ms. */
export interface CheckoutTiming {
  totalMs: number;
  /** From the pay request's answer to the orders read as paid. */
  settleMs: number;
  polls: number;
  /** Time spent in each part: cart (create and lines), shipping, checkout, pay, wait (reads until paid). */
  parts: Record<'cart' | 'shipping' | 'checkout' | 'pay' | 'wait', number>;
}

/**
/**
 * How the shopper's app learns the outcome after paying: one read the server holds until the
 * checkout is finished (`waitSeconds` > 0, read again should the wait end first), or reads
 * `pollMs` apart, doubling up to half a second (`waitSeconds` 0, as apps did before the server
 * could hold a read).
 */
export interface Following {
  waitSeconds: number;
  pollMs: number;
}

/**
 * One whole checkout as a shopper's app does it: a cart, one line from each of two stores, one
 * request quoting every store and choosing each one's cheapest option, the checkout, paying at the sandbox gateway, then reading the
 * checkout as `following` says until its orders are paid (the stock committed). The connection's headers
 * say who shops: a customer has one open cart, so each checkout should be another customer's.
 */
export async function checkoutOnce(
  connection: JsonConnection,
  shelf: Shelf,
  turn: number,
  following: Following,
  timeoutMs = 30_000,
  /** Called after each request's answer with the step's name (`--cost-by-request`); awaited before the next request. */
  afterStep?: (step: string) => Promise<void>,
): Promise<CheckoutTiming> {
  const stepDone = afterStep ?? (async () => {});
  const started = performance.now();
  let mark = started;
  const lap = () => {
    const now = performance.now();
    const taken = now - mark;
    mark = now;
    return taken;
  };
  const cart = await connection.send('POST', '/cart/carts', { currency: 'IDR' });
  await stepDone('create cart');
  for (const [index, store] of shelf.stores.entries()) {
    const variantId = store.variantIds[(turn * 7 + index) % store.variantIds.length] as string;
    await connection.send('POST', `/cart/carts/${cart.id}/lines`, { variantId, quantity: 1 + (turn % 2) });
    await stepDone('add a line');
  }
  const cartMs = lap();
  // One request quotes every store of the cart from its own lines and chooses each one's cheapest option.
  const shipping = await connection.send('POST', `/cart/carts/${cart.id}/shipping/quotes`, {
    destination: { postalCode: ADDRESS.postalCode },
    choose: 'cheapest',
  });
  await stepDone('quote and choose shipping');
  const unchosen = (shipping.stores as Array<{ storeId: string; chosenOptionId: string | null }>).filter((store) => store.chosenOptionId === null);
  if (unchosen.length > 0 || shipping.stores.length !== shelf.stores.length)
    throw new Error(`cart ${cart.id}: no shipping chosen for ${unchosen.map((store) => store.storeId).join(', ')}`);
  const shippingMs = lap();
  const checkout = await connection.send('POST', '/order/checkouts', { cartId: cart.id, shippingAddress: ADDRESS, paymentMethod: { type: 'qris' } });
  if (checkout.status !== 'awaiting_payment' || !checkout.payment?.id) throw new Error(`checkout ${checkout.id} is ${checkout.status}, not awaiting payment`);
  await stepDone('check out');
  const checkoutMs = lap();
  await connection.send('POST', `/payment/sandbox/${checkout.payment.id}/simulate`, { outcome: 'paid' });
  await stepDone('pay (and settle)');
  const payMs = lap();
  const paidAt = performance.now();
  let polls = 0;
  for (;;) {
    const current = await connection.send('GET', `/order/checkouts/${checkout.id}${following.waitSeconds > 0 ? `?waitSeconds=${following.waitSeconds}` : ''}`);
    polls += 1;
    await stepDone('read the checkout');
    const orders = current.orders as Array<{ status: string }>;
    if (current.status === 'paid' && orders.length === shelf.stores.length && orders.every((order) => order.status === 'paid')) break;
    if (current.status !== 'awaiting_payment' && current.status !== 'paid') throw new Error(`checkout ${checkout.id} became ${current.status}`);
    if (performance.now() - started > timeoutMs) throw new Error(`checkout ${checkout.id} was not paid within ${timeoutMs} ms`);
    // A held read answers as soon as there is news; polling backs off as an app would, so that a slow settlement is not made slower by the reads.
    if (following.waitSeconds === 0) await new Promise((resolve) => setTimeout(resolve, Math.min(following.pollMs * 2 ** (polls - 1), MAX_POLL_MS)));
  }
  const done = performance.now();
  return {
    totalMs: done - started,
    settleMs: done - paidAt,
    polls,
    parts: { cart: cartMs, shipping: shippingMs, checkout: checkoutMs, pay: payMs, wait: lap() },
  };
}
