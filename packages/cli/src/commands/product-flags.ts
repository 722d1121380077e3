import { accountVariables } from '../services/account-environment.js';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import type { NewProduct } from '../services/merchant-actions.js';
import { parseBoolean } from '../services/settings.js';
import { optional, required } from './connection.js';

/** The flags of `tokobapak products create`, as commander parsed them. */
export interface CreateFlags {
  url?: string;
  apiKey?: string;
  store?: string;
  json?: boolean;
  title?: string;
  handle?: string;
  price?: string;
  currency?: string;
  sku?: string;
  stock?: string;
  weight?: string;
  imageId?: string;
  publish?: boolean;
}

/** Checks the flags the API would refuse less helpfully, naming the flag and its variable. */
export function newProductFrom(flags: CreateFlags, context: CliContext): NewProduct {
  const title = required(flags.title, context, accountVariables.title);
  const handle = optional(flags.handle, context, accountVariables.handle) ?? slug(title);
  const publishRaw = optional(undefined, context, accountVariables.publish);
  return {
    title,
    handle,
    price: wholeNumber(required(flags.price, context, accountVariables.price), accountVariables.price),
    currency: (optional(flags.currency, context, accountVariables.currency) ?? 'IDR').toUpperCase(),
    sku: optional(flags.sku, context, accountVariables.sku) ?? handle.toUpperCase(),
    stock: wholeNumber(optional(flags.stock, context, accountVariables.stock) ?? '0', accountVariables.stock),
    weight: wholeNumber(optional(flags.weight, context, accountVariables.weight) ?? '0', accountVariables.weight),
    imageId: optional(flags.imageId, context, accountVariables.imageId),
    publish: flags.publish ?? (publishRaw === undefined ? false : parseBoolean(publishRaw, accountVariables.publish.name)),
  };
}

function wholeNumber(raw: string, variable: { flag: string; name: string }): number {
  const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value))
    throw new CliError('CLI_INVALID_VALUE', `${variable.flag.split(' ')[0]} / ${variable.name} must be a whole number, got "${raw}"`);
  return value;
}

function slug(title: string): string {
  return title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100);
}
