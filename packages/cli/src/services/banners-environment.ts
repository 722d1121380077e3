import type { EnvVar } from './environment.js';

/**
 * The variables of `tokobapak banners` beyond the connection ones it shares with `tokobapak store`
 * (`TOKOBAPAK_URL`, `TOKOBAPAK_API_KEY`), each mirroring a flag; `docs/cli.md` lists them.
 */
export const bannerVariables = {
  placement: {
    flag: '--placement <placement>',
    name: 'TOKOBAPAK_PLACEMENT',
    description: 'where the banner shows, e.g. home-hero (create: required; list: a filter)',
    example: 'home-hero',
  },
  status: {
    flag: '--status <status>',
    name: 'TOKOBAPAK_STATUS',
    description: 'list only active or only paused banners',
    example: 'active',
  },
  title: {
    flag: '--title <text>',
    name: 'TOKOBAPAK_TITLE',
    description: 'caption and alternative text of the new banner',
    example: 'Promo Ramadan',
  },
  imageId: {
    flag: '--image-id <id>',
    name: 'TOKOBAPAK_IMAGE_ID',
    description: 'the banner image, an img_… id from the image-proxy service',
    example: 'img_01jd2x7k9q3m4n5p6r7s8t9v0w',
  },
  linkUrl: {
    flag: '--link-url <url>',
    name: 'TOKOBAPAK_LINK_URL',
    description: 'where a click on the banner goes (http or https)',
    example: 'https://shop.example.com/ramadan',
  },
  startsAt: {
    flag: '--starts-at <time>',
    name: 'TOKOBAPAK_STARTS_AT',
    description: 'when the banner goes live, as an ISO 8601 time (default: now)',
    example: '2026-12-01T00:00:00Z',
  },
  endsAt: {
    flag: '--ends-at <time>',
    name: 'TOKOBAPAK_ENDS_AT',
    description: 'when the banner stops, as an ISO 8601 time (default: never)',
    example: '2026-12-31T23:59:59Z',
  },
  priority: {
    flag: '--priority <number>',
    name: 'TOKOBAPAK_PRIORITY',
    description: '0-1000, higher shows first in its placement (default: 0)',
    example: '10',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;
