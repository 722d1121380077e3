import { Box, Text } from 'ink';
import type { Shipment, ShippingSettings } from '../services/shipping-actions.js';
import type { Column } from './columns.js';
import type { Presentation } from './output.js';
import { textTable } from './plain-text.js';
import { Table } from './Table.js';

// `tokobapak shipping`: the settings as lines, a table of shipments, a shipment with its history.

const money = (amount: number, currency: string) => `${currency} ${amount}`;

function settingsLines(settings: ShippingSettings): string[] {
  const { currency, flatRate, weightTable, biteship } = settings;
  const zones = (count: number | undefined) => (count ? `, ${count} zone${count === 1 ? '' : 's'}` : '');
  return [
    `Shipping of store ${settings.storeId} (${currency}), quotes valid ${settings.quoteTtlSeconds} s${settings.updatedAt ? '' : ' — never set up'}`,
    flatRate ? `Flat rate: ${flatRate.name}, ${money(flatRate.amount, currency)}${zones(flatRate.zones?.length)}` : 'Flat rate: off',
    weightTable
      ? `Weight table: ${weightTable.name}, ${weightTable.brackets.map((bracket) => `up to ${bracket.upToGrams} g ${money(bracket.amount, currency)}`).join('; ')}${zones(weightTable.zones?.length)}`
      : 'Weight table: off',
    biteship ? `Biteship: ${biteship.couriers.join(', ')} from ${biteship.origin.postalCode}` : 'Biteship: off',
  ];
}

/** `tokobapak shipping settings show|set`. */
export function settingsPresentation(settings: ShippingSettings): Presentation {
  return {
    json: () => ({ settings }),
    plain: () => settingsLines(settings),
    tty: () => (
      <Box flexDirection="column">
        {settingsLines(settings).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
    ),
  };
}

const shipmentColumns: Array<Column<Shipment>> = [
  { title: 'ID', value: (shipment) => shipment.id },
  {
    title: 'STATUS',
    value: (shipment) => shipment.status,
    color: (shipment) => (shipment.status === 'cancelled' || shipment.status === 'returned' ? 'red' : 'green'),
  },
  { title: 'ORDER', value: (shipment) => shipment.reference },
  { title: 'SERVICE', value: (shipment) => shipment.name },
  { title: 'TRACKING', value: (shipment) => shipment.trackingNumber ?? '-' },
  { title: 'UPDATED', value: (shipment) => shipment.updatedAt },
];

/** `tokobapak shipping shipments list`. */
export function shipmentListPresentation(shipments: Shipment[]): Presentation {
  return {
    json: () => ({ shipments }),
    plain: () => (shipments.length === 0 ? ['No shipments.'] : textTable(shipmentColumns, shipments)),
    tty: () => (shipments.length === 0 ? <Text dimColor>No shipments.</Text> : <Table columns={shipmentColumns} rows={shipments} />),
  };
}

function shipmentLines(shipment: Shipment): string[] {
  return [
    `Shipment ${shipment.id} (${shipment.status}) of order ${shipment.reference}`,
    `${shipment.name} (${shipment.provider} ${shipment.service}), ${money(shipment.amount.amount, shipment.amount.currency)}, ${shipment.weight} g`,
    `Tracking ${shipment.trackingNumber ?? '-'}${shipment.trackingUrl ? ` ${shipment.trackingUrl}` : ''}`,
    'History:',
    ...shipment.history.map((entry) => `  ${entry.at} ${entry.status} (${entry.source})${entry.note ? `: ${entry.note}` : ''}`),
  ];
}

/** `tokobapak shipping shipments show|track|update`. */
export function shipmentPresentation(shipment: Shipment): Presentation {
  return {
    json: () => ({ shipment }),
    plain: () => shipmentLines(shipment),
    tty: () => (
      <Box flexDirection="column">
        {shipmentLines(shipment).map((line) => (
          <Text key={line}>{line}</Text>
        ))}
      </Box>
    ),
  };
}
