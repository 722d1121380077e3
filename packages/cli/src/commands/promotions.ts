import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import { createPromotion, listPromotions, type PromotionScope, pausePromotion, promotionInputFrom, promotionStats } from '../services/promotions-actions.js';
import { promotionVariables } from '../services/promotions-environment.js';
import { resolveJson } from '../services/settings.js';
import { sessionOrKeyConnection } from '../services/store-connection.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { promotionListPresentation, promotionPresentation, promotionStatsPresentation } from '../ui/promotion-presentations.js';
import { enabled, optional, required, withSessionOrKey } from './connection.js';
import { envOption } from './options.js';

const withConnection = (command: Command) => withSessionOrKey(command).addOption(envOption(promotionVariables.platform));

interface PromotionFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
  platform?: boolean;
  status?: string;
  name?: string;
  type?: string;
  code?: string;
  percentage?: string;
  amount?: string;
  buy?: string;
  get?: string;
  currency?: string;
  minSubtotal?: string;
  productIds?: string;
  categories?: string;
  firstOrder?: boolean;
  usageLimit?: string;
  perCustomerLimit?: string;
  exclusive?: boolean;
  priority?: string;
  startsAt?: string;
  endsAt?: string;
}

function scopeOf(flags: PromotionFlags, context: CliContext): PromotionScope {
  return enabled(flags.platform, context, promotionVariables.platform) ? 'platform' : 'store';
}

function statusFilter(value: string | undefined): 'active' | 'paused' | undefined {
  if (value === undefined || value === 'active' || value === 'paused') return value;
  throw new CliError('CLI_INVALID_VALUE', `--status / ${promotionVariables.status.name} must be active or paused, got "${value}"`);
}

/** `tokobapak promotions list|create|pause|stats`: a store's discounts, or the marketplace's with `--platform`. */
export function registerPromotionsCommand(program: Command, context: CliContext): void {
  const promotions = program
    .command('promotions')
    .description("list, create, pause and measure your store's discounts and coupon codes (or the marketplace's, as an admin, with --platform)");

  withConnection(promotions.command('list').description('list the promotions, newest first'))
    .addOption(envOption(promotionVariables.status))
    .action(async (flags: PromotionFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const filters = { status: statusFilter(optional(flags.status, context, promotionVariables.status)) };
      const listed = await withSpinner(mode, context.stdout, 'Fetching promotions', () => listPromotions(connection, scopeOf(flags, context), filters));
      present(mode, context.stdout, promotionListPresentation(listed));
    });

  const create = withConnection(promotions.command('create').description('create a promotion: a coupon with --code, else automatic'));
  for (const key of [
    'name',
    'type',
    'code',
    'percentage',
    'amount',
    'buy',
    'get',
    'currency',
    'minSubtotal',
    'productIds',
    'categories',
    'firstOrder',
    'usageLimit',
    'perCustomerLimit',
    'exclusive',
    'priority',
    'startsAt',
    'endsAt',
  ] as const) {
    create.addOption(envOption(promotionVariables[key]));
  }
  create.action(async (flags: PromotionFlags) => {
    const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
    const connection = sessionOrKeyConnection(flags, context.env);
    const value = (key: Exclude<keyof typeof promotionVariables, 'platform' | 'firstOrder' | 'exclusive' | 'status'>) =>
      optional(flags[key], context, promotionVariables[key]);
    const input = promotionInputFrom({
      name: required(flags.name, context, promotionVariables.name),
      type: required(flags.type, context, promotionVariables.type),
      code: value('code'),
      percentage: value('percentage'),
      amount: value('amount'),
      buy: value('buy'),
      get: value('get'),
      currency: value('currency'),
      minSubtotal: value('minSubtotal'),
      productIds: value('productIds'),
      categories: value('categories'),
      firstOrder: enabled(flags.firstOrder, context, promotionVariables.firstOrder),
      usageLimit: value('usageLimit'),
      perCustomerLimit: value('perCustomerLimit'),
      exclusive: enabled(flags.exclusive, context, promotionVariables.exclusive),
      priority: value('priority'),
      startsAt: value('startsAt'),
      endsAt: value('endsAt'),
    });
    const created = await withSpinner(mode, context.stdout, 'Creating the promotion', () => createPromotion(connection, scopeOf(flags, context), input));
    present(mode, context.stdout, promotionPresentation(created, 'created'));
  });

  withConnection(promotions.command('pause').description('stop a promotion from applying (it stays listed)').argument('<promotionId>', 'the prm_… id')).action(
    async (promotionId: string, flags: PromotionFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const paused = await withSpinner(mode, context.stdout, `Pausing ${promotionId}`, () => pausePromotion(connection, scopeOf(flags, context), promotionId));
      present(mode, context.stdout, promotionPresentation(paused, 'paused'));
    },
  );

  withConnection(promotions.command('stats').description('redemptions and discount given by one promotion').argument('<promotionId>', 'the prm_… id')).action(
    async (promotionId: string, flags: PromotionFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const stats = await withSpinner(mode, context.stdout, `Reading ${promotionId}`, () => promotionStats(connection, scopeOf(flags, context), promotionId));
      present(mode, context.stdout, promotionStatsPresentation(stats));
    },
  );
}
