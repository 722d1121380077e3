import { Box, Text } from 'ink';
import type { Banner } from '../services/banners-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak banners`: a table for `list`, one line for the changes.

const bannerColumns: Array<Column<Banner>> = [
  { title: 'ID', value: (banner) => banner.id },
  { title: 'PLACEMENT', value: (banner) => banner.placement },
  { title: 'PRIORITY', value: (banner) => String(banner.priority), alignRight: true },
  { title: 'STATUS', value: (banner) => banner.status, color: (banner) => (banner.status === 'active' ? 'green' : 'yellow') },
  { title: 'STARTS', value: (banner) => banner.startsAt },
  { title: 'ENDS', value: (banner) => banner.endsAt ?? '-' },
  { title: 'TITLE', value: (banner) => banner.title },
];

/** `tokobapak banners list`. */
export function bannerListPresentation(banners: Banner[]): Presentation {
  return {
    json: () => ({ banners }),
    plain: () => (banners.length === 0 ? ['No banners.'] : textTable(bannerColumns, banners)),
    tty: () => (banners.length === 0 ? <Text dimColor>No banners.</Text> : <Table columns={bannerColumns} rows={banners} />),
  };
}

/** `tokobapak banners create` and `tokobapak banners pause`. */
export function bannerPresentation(banner: Banner, what: 'created' | 'paused'): Presentation {
  const line = `${what === 'created' ? 'Created' : 'Paused'} banner ${banner.id} (${banner.placement}, priority ${banner.priority}, ${banner.status})`;
  return {
    json: () => ({ banner }),
    plain: () => [line],
    tty: () => (
      <Box>
        <Text color="green">{line}</Text>
      </Box>
    ),
  };
}

/** `tokobapak banners delete`. */
export function bannerDeletedPresentation(bannerId: string): Presentation {
  return {
    json: () => ({ deleted: bannerId }),
    plain: () => [`Deleted banner ${bannerId}`],
    tty: () => <Text color="green">Deleted banner {bannerId}</Text>,
  };
}
