import type { PromotionComponents, TokoBapakClient } from '@tokobapak/sdk';
import { oneOf } from './choices.js';
import { CliError } from './errors.js';
import { promotionVariables } from './promotions-environment.js';
import { type Connection, callApi, signIn, storeClient } from './store-connection.js';

type Schemas = PromotionComponents['schemas'];

/** A promotion as the promotion service returns it. */
export type Promotion = Schemas['Promotion'];
/** What `tokobapak promotions create` sends. */
export type PromotionInput = Schemas['PromotionInput'];
/** What `tokobapak promotions stats` shows. */
export type PromotionStats = Schemas['PromotionStats'];

/** Whose promotions a command acts on: the marketplace's (an admin signed in) or the store's. */
export type PromotionScope = 'platform' | 'store';

async function clientFor(connection: Connection, scope: PromotionScope): Promise<TokoBapakClient> {
  // Platform promotions are an admin's: a person signed in, never a store key.
  return scope === 'platform' ? signIn(connection) : storeClient(connection);
}

/** Every promotion of the scope, newest first, following the cursor to the last page. */
export async function listPromotions(
  connection: Connection,
  scope: PromotionScope,
  filters: { status?: 'active' | 'paused' | undefined },
): Promise<Promotion[]> {
  const client = await clientFor(connection, scope);
  const promotions: Promotion[] = [];
  const query = { ...filters, limit: 100 };
  await callApi(connection, async () => {
    const pages = scope === 'platform' ? client.promotion.listPlatformDiscounts.iterate({ query }) : client.promotion.listStoreDiscounts.iterate({ query });
    for await (const promotion of pages) promotions.push(promotion);
  });
  return promotions;
}

/** Creates a promotion in the scope. */
export async function createPromotion(connection: Connection, scope: PromotionScope, input: PromotionInput): Promise<Promotion> {
  const client = await clientFor(connection, scope);
  return callApi(connection, () =>
    scope === 'platform' ? client.promotion.createPlatformDiscount({ body: input }) : client.promotion.createStoreDiscount({ body: input }),
  );
}

/** Pauses a promotion: it stops applying at once; reservations already made stay valid. */
export async function pausePromotion(connection: Connection, scope: PromotionScope, promotionId: string): Promise<Promotion> {
  const client = await clientFor(connection, scope);
  const request = { params: { promotionId }, body: { status: 'paused' as const } };
  return callApi(connection, () => (scope === 'platform' ? client.promotion.updatePlatformDiscount(request) : client.promotion.updateStoreDiscount(request)));
}

/** Redemptions and discount given by one promotion. */
export async function promotionStats(connection: Connection, scope: PromotionScope, promotionId: string): Promise<PromotionStats> {
  const client = await clientFor(connection, scope);
  const request = { params: { promotionId } };
  return callApi(connection, () =>
    scope === 'platform' ? client.promotion.getPlatformDiscountStats(request) : client.promotion.getStoreDiscountStats(request),
  );
}

const TYPES = ['percentage', 'fixed_amount', 'free_shipping', 'buy_x_get_y'] as const;

/** The flag values of `create`, as text. */
export interface PromotionFlagValues {
  name: string;
  type: string;
  code?: string | undefined;
  percentage?: string | undefined;
  amount?: string | undefined;
  buy?: string | undefined;
  get?: string | undefined;
  currency?: string | undefined;
  minSubtotal?: string | undefined;
  productIds?: string | undefined;
  categories?: string | undefined;
  firstOrder?: boolean | undefined;
  usageLimit?: string | undefined;
  perCustomerLimit?: string | undefined;
  exclusive?: boolean | undefined;
  priority?: string | undefined;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
}

/**
 * Turns the flag values into the request, refusing what is not a whole number or a time, naming
 * the flag and its variable. The rules of the promotion itself (a percentage of 0, a fixed amount
 * without `--amount`) are the server's to refuse, with its problem code.
 */
export function promotionInputFrom(values: PromotionFlagValues): PromotionInput {
  const input: PromotionInput = { name: values.name, type: oneOf(values.type, TYPES, promotionVariables.type) as PromotionInput['type'] };
  if (values.code !== undefined) input.code = values.code;
  if (values.currency !== undefined) input.currency = values.currency;
  if (values.percentage !== undefined) input.percentage = whole(values.percentage, promotionVariables.percentage);
  if (values.amount !== undefined) input.amount = whole(values.amount, promotionVariables.amount);
  if (values.buy !== undefined) input.buyQuantity = whole(values.buy, promotionVariables.buy);
  if (values.get !== undefined) input.getQuantity = whole(values.get, promotionVariables.get);
  if (values.usageLimit !== undefined) input.usageLimit = whole(values.usageLimit, promotionVariables.usageLimit);
  if (values.perCustomerLimit !== undefined) input.perCustomerLimit = whole(values.perCustomerLimit, promotionVariables.perCustomerLimit);
  if (values.priority !== undefined) input.priority = whole(values.priority, promotionVariables.priority);
  if (values.exclusive) input.stacking = 'exclusive';
  if (values.startsAt !== undefined) input.startsAt = isoTime(values.startsAt, promotionVariables.startsAt);
  if (values.endsAt !== undefined) input.endsAt = isoTime(values.endsAt, promotionVariables.endsAt);
  const conditions: NonNullable<PromotionInput['conditions']> = {};
  if (values.minSubtotal !== undefined) conditions.minSubtotal = whole(values.minSubtotal, promotionVariables.minSubtotal);
  if (values.productIds !== undefined) conditions.productIds = list(values.productIds);
  if (values.categories !== undefined) conditions.categories = list(values.categories);
  if (values.firstOrder) conditions.firstOrderOnly = true;
  if (Object.keys(conditions).length > 0) input.conditions = conditions;
  return input;
}

function whole(value: string, variable: { flag: string; name: string }): number {
  const number = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(number)) {
    throw new CliError('CLI_INVALID_VALUE', `${variable.flag.split(' ')[0]} / ${variable.name} must be a whole number, got "${value}"`);
  }
  return number;
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function isoTime(value: string, variable: { flag: string; name: string }): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new CliError('CLI_INVALID_VALUE', `${variable.flag.split(' ')[0]} / ${variable.name} must be an ISO 8601 time, got "${value}"`);
  return new Date(time).toISOString();
}
