import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { idempotencyKeyOf, idempotencyVariable } from '../services/idempotency.js';
import {
  amountsToRefund,
  cancelOrder,
  changeOrder,
  linesToCancel,
  linesToRefund,
  listOrders,
  orderStatusFilter,
  refundOrder,
  shipOrder,
  shippingToRefund,
  showOrder,
} from '../services/orders-actions.js';
import { orderVariables } from '../services/orders-environment.js';
import { resolveJson } from '../services/settings.js';
import { sessionOrKeyConnection } from '../services/store-connection.js';
import { orderChangedPresentation, orderListPresentation, orderPresentation } from '../ui/order-presentations.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { withReplayNote } from '../ui/replay-note.js';
import { optional, required, withSessionOrKey } from './connection.js';
import { envOption } from './options.js';

interface OrderFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
  status?: string;
  note?: string;
  carrier?: string;
  trackingNumber?: string;
  line?: string[];
  shipping?: string;
  reason?: string;
  idempotencyKey?: string;
}

/** `tokobapak orders list|show|accept|ship|complete|cancel|refund`: the order desk of the store you act in. */
export function registerOrdersCommand(program: Command, context: CliContext): void {
  const orders = program
    .command('orders')
    .description(
      "work your store's order desk: list, show, accept, ship, complete, cancel and refund orders (signed in with `tokobapak login`, or with a store API key)",
    );

  withSessionOrKey(orders.command('list').description("list the store's orders, newest first"))
    .addOption(envOption(orderVariables.orderStatus))
    .action(async (flags: OrderFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const status = orderStatusFilter(optional(flags.status, context, orderVariables.orderStatus));
      const listed = await withSpinner(mode, context.stdout, 'Fetching orders', () => listOrders(connection, status));
      present(mode, context.stdout, orderListPresentation(listed));
    });

  withSessionOrKey(orders.command('show').description('show an order with its lines and status history').argument('<orderId>', 'the ord_… id')).action(
    async (orderId: string, flags: OrderFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const order = await withSpinner(mode, context.stdout, `Fetching ${orderId}`, () => showOrder(connection, orderId));
      present(mode, context.stdout, orderPresentation(order));
    },
  );

  for (const [change, description, doing] of [
    ['accept', 'take a paid order on', 'Accepting'],
    ['complete', 'mark an accepted or shipped order done (the store is credited, less the platform fee)', 'Completing'],
  ] as const) {
    withSessionOrKey(orders.command(change).description(description).argument('<orderId>', 'the ord_… id'))
      .addOption(envOption(orderVariables.note))
      .action(async (orderId: string, flags: OrderFlags) => {
        const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
        const connection = sessionOrKeyConnection(flags, context.env);
        const note = optional(flags.note, context, orderVariables.note);
        const order = await withSpinner(mode, context.stdout, `${doing} ${orderId}`, () => changeOrder(connection, change, orderId, note));
        present(mode, context.stdout, orderChangedPresentation(order));
      });
  }

  withSessionOrKey(
    orders
      .command('ship')
      .description('send an accepted order (booked with its shipping quote, or with your own tracking number)')
      .argument('<orderId>', 'the ord_… id'),
  )
    .addOption(envOption(orderVariables.carrier))
    .addOption(envOption(orderVariables.trackingNumber))
    .addOption(envOption(orderVariables.note))
    .action(async (orderId: string, flags: OrderFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const details = {
        note: optional(flags.note, context, orderVariables.note),
        carrier: optional(flags.carrier, context, orderVariables.carrier),
        trackingNumber: optional(flags.trackingNumber, context, orderVariables.trackingNumber),
      };
      const order = await withSpinner(mode, context.stdout, `Shipping ${orderId}`, () => shipOrder(connection, orderId, details));
      present(mode, context.stdout, orderChangedPresentation(order));
    });

  withSessionOrKey(
    orders.command('cancel').description('cancel some lines of an order, or all of it, and refund the customer').argument('<orderId>', 'the ord_… id'),
  )
    .addOption(envOption(orderVariables.lines))
    .addOption(envOption(orderVariables.reason))
    .addOption(envOption(idempotencyVariable))
    .action(async (orderId: string, flags: OrderFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const lines = linesToCancel(flags.line ?? (context.env[orderVariables.lines.name] ? [context.env[orderVariables.lines.name] as string] : []));
      const connection = sessionOrKeyConnection(flags, context.env);
      const reason = optional(flags.reason, context, orderVariables.reason);
      const key = idempotencyKeyOf(optional(flags.idempotencyKey, context, idempotencyVariable));
      const cancelled = await withSpinner(mode, context.stdout, `Cancelling ${orderId}`, () => cancelOrder(connection, orderId, lines, reason, key));
      present(mode, context.stdout, withReplayNote(orderChangedPresentation(cancelled.result), cancelled.replayed));
    });

  withSessionOrKey(
    orders
      .command('refund')
      .description('give money back on some lines, on the shipping, or both, cancelling nothing (goodwill, a late parcel)')
      .argument('<orderId>', 'the ord_… id'),
  )
    .addOption(envOption(orderVariables.refundLines))
    .addOption(envOption(orderVariables.refundShipping))
    .addOption(envOption(orderVariables.reason))
    .addOption(envOption(idempotencyVariable))
    .action(async (orderId: string, flags: OrderFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const variableLines = context.env[orderVariables.refundLines.name];
      const lines = linesToRefund(flags.line ?? (variableLines ? [variableLines] : []));
      const shipping = shippingToRefund(optional(flags.shipping, context, orderVariables.refundShipping));
      const amounts = amountsToRefund(lines, shipping, required(flags.reason, context, orderVariables.reason));
      const key = idempotencyKeyOf(optional(flags.idempotencyKey, context, idempotencyVariable));
      const connection = sessionOrKeyConnection(flags, context.env);
      const refunded = await withSpinner(mode, context.stdout, `Refunding ${orderId}`, () => refundOrder(connection, orderId, amounts, key));
      present(mode, context.stdout, withReplayNote(orderChangedPresentation(refunded.result), refunded.replayed));
    });
}
