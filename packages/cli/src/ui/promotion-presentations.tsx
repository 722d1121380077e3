import { Box, Text } from 'ink';
import type { Promotion, PromotionStats } from '../services/promotions-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { recordPresentation } from './record.js';
import { Table } from './Table.js';

// `tokobapak promotions`: a table for `list`, one line for the changes, a record for `stats`.

/** What the promotion gives, in a few words: `10%`, `15000 IDR`, `free shipping`, `buy 2 get 1`. */
export function discountText(promotion: Promotion): string {
  switch (promotion.type) {
    case 'percentage':
      return `${promotion.percentage}%`;
    case 'fixed_amount':
      return `${promotion.amount} ${promotion.currency}`;
    case 'free_shipping':
      return 'free shipping';
    case 'buy_x_get_y':
      return `buy ${promotion.buyQuantity} get ${promotion.getQuantity}`;
  }
}

const promotionColumns: Array<Column<Promotion>> = [
  { title: 'ID', value: (promotion) => promotion.id },
  { title: 'CODE', value: (promotion) => promotion.code ?? '(automatic)' },
  { title: 'DISCOUNT', value: discountText },
  { title: 'STATUS', value: (promotion) => promotion.status, color: (promotion) => (promotion.status === 'active' ? 'green' : 'yellow') },
  { title: 'PRIORITY', value: (promotion) => String(promotion.priority), alignRight: true },
  { title: 'LIMIT', value: (promotion) => (promotion.usageLimit === null ? '-' : String(promotion.usageLimit)), alignRight: true },
  { title: 'ENDS', value: (promotion) => promotion.endsAt ?? '-' },
  { title: 'NAME', value: (promotion) => promotion.name },
];

/** `tokobapak promotions list`. */
export function promotionListPresentation(promotions: Promotion[]): Presentation {
  return {
    json: () => ({ promotions }),
    plain: () => (promotions.length === 0 ? ['No promotions.'] : textTable(promotionColumns, promotions)),
    tty: () => (promotions.length === 0 ? <Text dimColor>No promotions.</Text> : <Table columns={promotionColumns} rows={promotions} />),
  };
}

/** `tokobapak promotions create` and `tokobapak promotions pause`. */
export function promotionPresentation(promotion: Promotion, what: 'created' | 'paused'): Presentation {
  const line = `${what === 'created' ? 'Created' : 'Paused'} promotion ${promotion.id} (${promotion.code ?? 'automatic'}, ${discountText(promotion)}, ${promotion.status})`;
  return {
    json: () => ({ promotion }),
    plain: () => [line],
    tty: () => (
      <Box>
        <Text color="green">{line}</Text>
      </Box>
    ),
  };
}

/** `tokobapak promotions stats`. */
export function promotionStatsPresentation(stats: PromotionStats): Presentation {
  return recordPresentation({ stats }, `Promotion ${stats.promotionId}`, [
    ['Used', stats.usageLimit === null ? String(stats.used) : `${stats.used} of ${stats.usageLimit}`],
    ['Reserved', String(stats.active)],
    ['Committed', String(stats.committed)],
    ['Released', String(stats.released)],
    ['Expired', String(stats.expired)],
    ['Discount reserved', `${stats.discountReserved} ${stats.currency}`],
    ['Discount given', `${stats.discountCommitted} ${stats.currency}`],
  ]);
}
