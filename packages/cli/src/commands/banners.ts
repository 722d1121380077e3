import type { Command } from 'commander';
import { bannerInputFrom, createBanner, deleteBanner, listBanners, pauseBanner } from '../services/banners-actions.js';
import { bannerVariables } from '../services/banners-environment.js';
import type { CliContext } from '../services/cli-context.js';
import { CliError } from '../services/errors.js';
import { resolveJson } from '../services/settings.js';
import { sessionOrKeyConnection } from '../services/store-connection.js';
import { bannerDeletedPresentation, bannerListPresentation, bannerPresentation } from '../ui/banner-presentations.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { optional, required, withSessionOrKey } from './connection.js';
import { envOption } from './options.js';

interface BannerFlags {
  url?: string;
  apiKey?: string;
  json?: boolean;
  placement?: string;
  status?: string;
  title?: string;
  imageId?: string;
  linkUrl?: string;
  startsAt?: string;
  endsAt?: string;
  priority?: string;
}

function statusFilter(value: string | undefined): 'active' | 'paused' | undefined {
  if (value === undefined || value === 'active' || value === 'paused') return value;
  throw new CliError('CLI_INVALID_VALUE', `--status / ${bannerVariables.status.name} must be active or paused, got "${value}"`);
}

/** `tokobapak banners list|create|pause|delete`: the banners of the store an API key acts in. */
export function registerBannersCommand(program: Command, context: CliContext): void {
  const banners = program
    .command('banners')
    .description("list, create, pause and delete your store's homepage banners (signed in with `tokobapak login`, or with a store API key)");

  withSessionOrKey(banners.command('list').description("list the store's banners, newest first"))
    .addOption(envOption(bannerVariables.placement))
    .addOption(envOption(bannerVariables.status))
    .action(async (flags: BannerFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const filters = {
        placement: optional(flags.placement, context, bannerVariables.placement),
        status: statusFilter(optional(flags.status, context, bannerVariables.status)),
      };
      const listed = await withSpinner(mode, context.stdout, 'Fetching banners', () => listBanners(connection, filters));
      present(mode, context.stdout, bannerListPresentation(listed));
    });

  withSessionOrKey(banners.command('create').description('create a banner in the store'))
    .addOption(envOption(bannerVariables.placement))
    .addOption(envOption(bannerVariables.title))
    .addOption(envOption(bannerVariables.imageId))
    .addOption(envOption(bannerVariables.linkUrl))
    .addOption(envOption(bannerVariables.startsAt))
    .addOption(envOption(bannerVariables.endsAt))
    .addOption(envOption(bannerVariables.priority))
    .action(async (flags: BannerFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const input = bannerInputFrom({
        placement: required(flags.placement, context, bannerVariables.placement),
        title: required(flags.title, context, bannerVariables.title),
        imageId: required(flags.imageId, context, bannerVariables.imageId),
        linkUrl: required(flags.linkUrl, context, bannerVariables.linkUrl),
        startsAt: optional(flags.startsAt, context, bannerVariables.startsAt),
        endsAt: optional(flags.endsAt, context, bannerVariables.endsAt),
        priority: optional(flags.priority, context, bannerVariables.priority),
      });
      const created = await withSpinner(mode, context.stdout, 'Creating the banner', () => createBanner(connection, input));
      present(mode, context.stdout, bannerPresentation(created, 'created'));
    });

  withSessionOrKey(banners.command('pause').description('take a banner off the storefront (it stays listed)').argument('<bannerId>', 'the ban_… id')).action(
    async (bannerId: string, flags: BannerFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      const paused = await withSpinner(mode, context.stdout, `Pausing ${bannerId}`, () => pauseBanner(connection, bannerId));
      present(mode, context.stdout, bannerPresentation(paused, 'paused'));
    },
  );

  withSessionOrKey(banners.command('delete').description('delete a banner').argument('<bannerId>', 'the ban_… id')).action(
    async (bannerId: string, flags: BannerFlags) => {
      const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
      const connection = sessionOrKeyConnection(flags, context.env);
      await withSpinner(mode, context.stdout, `Deleting ${bannerId}`, () => deleteBanner(connection, bannerId));
      present(mode, context.stdout, bannerDeletedPresentation(bannerId));
    },
  );
}
