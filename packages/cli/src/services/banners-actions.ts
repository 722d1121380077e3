import type { PromotedItemComponents } from '@tokobapak/sdk';
import { bannerVariables } from './banners-environment.js';
import { CliError } from './errors.js';
import { type Connection, callApi, storeClient } from './store-connection.js';

/** A banner as the promoted-item service returns it. */
export type Banner = PromotedItemComponents['schemas']['Banner'];

/** What `tokobapak banners create` sends. */
export type BannerInput = PromotedItemComponents['schemas']['BannerInput'];

/** Every banner of the key's store, newest first, following the cursor to the last page. */
export async function listBanners(
  connection: Connection,
  filters: { placement?: string | undefined; status?: 'active' | 'paused' | undefined },
): Promise<Banner[]> {
  const client = await storeClient(connection);
  const banners: Banner[] = [];
  await callApi(connection, async () => {
    for await (const banner of client.promotedItem.listStoreBanners.iterate({ query: { ...filters, limit: 100 } })) banners.push(banner);
  });
  return banners;
}

/** Creates a banner in the key's store. */
export async function createBanner(connection: Connection, input: BannerInput): Promise<Banner> {
  const client = await storeClient(connection);
  return callApi(connection, () => client.promotedItem.createStoreBanner({ body: input }));
}

/** Pauses one of the store's banners: it leaves the storefront at once and stays listed. */
export async function pauseBanner(connection: Connection, bannerId: string): Promise<Banner> {
  const client = await storeClient(connection);
  return callApi(connection, () => client.promotedItem.updateStoreBanner({ params: { bannerId }, body: { status: 'paused' } }));
}

/** Deletes one of the store's banners. */
export async function deleteBanner(connection: Connection, bannerId: string): Promise<void> {
  const client = await storeClient(connection);
  await callApi(connection, () => client.promotedItem.deleteStoreBanner({ params: { bannerId } }));
}

/** Checks the flag values the API would refuse less helpfully, naming the flag. */
export function bannerInputFrom(values: {
  placement: string;
  title: string;
  imageId: string;
  linkUrl: string;
  startsAt?: string | undefined;
  endsAt?: string | undefined;
  priority?: string | undefined;
}): BannerInput {
  const input: BannerInput = { placement: values.placement, title: values.title, imageId: values.imageId, linkUrl: values.linkUrl };
  if (values.startsAt !== undefined) input.startsAt = isoTime(values.startsAt, bannerVariables.startsAt);
  if (values.endsAt !== undefined) input.endsAt = isoTime(values.endsAt, bannerVariables.endsAt);
  if (values.priority !== undefined) {
    const priority = Number(values.priority);
    if (!Number.isInteger(priority) || priority < 0 || priority > 1000) {
      throw new CliError('CLI_INVALID_VALUE', `--priority / ${bannerVariables.priority.name} must be a whole number from 0 to 1000, got "${values.priority}"`);
    }
    input.priority = priority;
  }
  return input;
}

function isoTime(value: string, variable: { flag: string; name: string }): string {
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw new CliError('CLI_INVALID_VALUE', `${variable.flag.split(' ')[0]} / ${variable.name} must be an ISO 8601 time, got "${value}"`);
  return new Date(time).toISOString();
}
