import { resolve } from 'node:path';
import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import { resolveJson } from '../services/settings.js';
import {
  listShipments,
  parseCouriers,
  parseFlatRate,
  parseOrigin,
  parseQuoteTtl,
  parseWeightTable,
  type SettingsChange,
  setSettings,
  shipmentStatus,
  showSettings,
  showShipment,
  updateShipment,
} from '../services/shipping-actions.js';
import { shippingVariables as v } from '../services/shipping-environment.js';
import { sessionOrKeyConnection } from '../services/store-connection.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { settingsPresentation, shipmentListPresentation, shipmentPresentation } from '../ui/shipping-presentations.js';
import { optional, required, withSessionOrKey } from './connection.js';
import { envOption } from './options.js';

type Flags = Record<string, string | boolean | undefined> & { url?: string; apiKey?: string; json?: boolean };

/** `tokobapak shipping settings show|set` and `shipping shipments list|show|track|update`: the shipping of the store you act in. */
export function registerShippingCommand(program: Command, context: CliContext): void {
  const shipping = program
    .command('shipping')
    .description(
      "your store's shipping: its prices (flat rate, weight table, Biteship) and its shipments (signed in with `tokobapak login`, or with a store API key)",
    );
  const mode = (flags: Flags) => outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
  const text = (flags: Flags, variable: { flag: string; name: string }, key: string) => optional(flags[key] as string | undefined, context, variable);

  const settings = shipping.command('settings').description("the store's shipping prices");
  withSessionOrKey(settings.command('show').description("show the store's shipping settings")).action(async (flags: Flags) => {
    const connection = sessionOrKeyConnection(flags, context.env);
    const shown = await withSpinner(mode(flags), context.stdout, 'Fetching shipping settings', () => showSettings(connection));
    present(mode(flags), context.stdout, settingsPresentation(shown));
  });

  withSessionOrKey(settings.command('set').description("change the store's shipping settings: the flags given change them, the rest is kept"))
    .addOption(envOption(v.settingsFile))
    .addOption(envOption(v.currency))
    .addOption(envOption(v.flatRate))
    .addOption(envOption(v.flatRateName))
    .addOption(envOption(v.weightTable))
    .addOption(envOption(v.weightTableName))
    .addOption(envOption(v.biteship))
    .addOption(envOption(v.biteshipOrigin))
    .addOption(envOption(v.quoteTtl))
    .action(async (flags: Flags) => {
      const connection = sessionOrKeyConnection(flags, context.env);
      const read = <T>(variable: { flag: string; name: string }, key: string, parse: (raw: string) => T): T | undefined => {
        const raw = text(flags, variable, key);
        return raw === undefined ? undefined : parse(raw);
      };
      const change: SettingsChange = {};
      const file = text(flags, v.settingsFile, 'file');
      if (file !== undefined) change.file = resolve(context.cwd, file);
      const assign = <K extends keyof SettingsChange>(key: K, value: SettingsChange[K] | undefined) => {
        if (value !== undefined) change[key] = value;
      };
      assign('currency', text(flags, v.currency, 'currency'));
      assign('flatRate', read(v.flatRate, 'flatRate', parseFlatRate));
      assign('flatRateName', text(flags, v.flatRateName, 'flatRateName'));
      assign('weightTable', read(v.weightTable, 'weightTable', parseWeightTable));
      assign('weightTableName', text(flags, v.weightTableName, 'weightTableName'));
      assign('biteship', read(v.biteship, 'biteship', parseCouriers));
      assign('biteshipOrigin', read(v.biteshipOrigin, 'biteshipOrigin', parseOrigin));
      assign('quoteTtlSeconds', read(v.quoteTtl, 'quoteTtl', parseQuoteTtl));
      const saved = await withSpinner(mode(flags), context.stdout, 'Saving shipping settings', () => setSettings(connection, change));
      present(mode(flags), context.stdout, settingsPresentation(saved));
    });

  const shipments = shipping.command('shipments').description("the store's shipments, and the status of those it sends itself");
  withSessionOrKey(shipments.command('list').description("list the store's shipments, newest first"))
    .addOption(envOption(v.shipmentStatus))
    .action(async (flags: Flags) => {
      const connection = sessionOrKeyConnection(flags, context.env);
      const status = shipmentStatus(text(flags, v.shipmentStatus, 'status'));
      const listed = await withSpinner(mode(flags), context.stdout, 'Fetching shipments', () => listShipments(connection, status));
      present(mode(flags), context.stdout, shipmentListPresentation(listed));
    });

  for (const [name, description, track] of [
    ['show', 'show a shipment with its history', false],
    ['track', "ask the carrier where a shipment is now, then show it (a store's own shipments are shown as they are)", true],
  ] as const) {
    withSessionOrKey(shipments.command(name).description(description).argument('<shipmentId>', 'the shp_… id')).action(
      async (shipmentId: string, flags: Flags) => {
        const connection = sessionOrKeyConnection(flags, context.env);
        const shown = await withSpinner(mode(flags), context.stdout, `Fetching ${shipmentId}`, () => showShipment(connection, shipmentId, track));
        present(mode(flags), context.stdout, shipmentPresentation(shown));
      },
    );
  }

  withSessionOrKey(
    shipments
      .command('update')
      .description('move forward a shipment the store sends itself (flat rate or weight table): picked_up, in_transit, delivered, returned, cancelled')
      .argument('<shipmentId>', 'the shp_… id'),
  )
    .addOption(envOption(v.shipmentStatus))
    .addOption(envOption(v.note))
    .addOption(envOption(v.trackingNumber))
    .action(async (shipmentId: string, flags: Flags) => {
      const connection = sessionOrKeyConnection(flags, context.env);
      const status = shipmentStatus(required(flags.status as string | undefined, context, v.shipmentStatus));
      // A shipment starts pending; a store can only move it on.
      if (status === undefined || status === 'pending')
        throw new CliError('CLI_INVALID_VALUE', `${v.shipmentStatus.flag.split(' ')[0]} / ${v.shipmentStatus.name} must be a later status than pending`);
      const update = { status, note: text(flags, v.note, 'note'), trackingNumber: text(flags, v.trackingNumber, 'trackingNumber') };
      const updated = await withSpinner(mode(flags), context.stdout, `Updating ${shipmentId}`, () => updateShipment(connection, shipmentId, update));
      present(mode(flags), context.stdout, shipmentPresentation(updated));
    });
}
