import type { EnvVar } from './environment.js';

/**
 * The variables of `tokobapak shipping` beyond the connection ones (`TOKOBAPAK_URL`,
 * `TOKOBAPAK_API_KEY`), each mirroring a flag; `docs/cli.md` lists them.
 */
export const shippingVariables = {
  settingsFile: {
    flag: '--file <path>',
    name: 'TOKOBAPAK_SHIPPING_SETTINGS_FILE',
    description: 'a JSON file with the whole settings, as the API takes them or as `settings show --json` prints them; other flags then change it',
    example: 'shipping.json',
  },
  currency: {
    flag: '--currency <code>',
    name: 'TOKOBAPAK_SHIPPING_CURRENCY',
    description: "the currency of the store's shipping prices",
    example: 'IDR',
  },
  flatRate: {
    flag: '--flat-rate <amount|off>',
    name: 'TOKOBAPAK_FLAT_RATE',
    description: 'one price per parcel, in minor units (zones kept); off turns flat-rate shipping off',
    example: '15000',
  },
  flatRateName: {
    flag: '--flat-rate-name <name>',
    name: 'TOKOBAPAK_FLAT_RATE_NAME',
    description: 'how the flat-rate option is shown to shoppers',
    example: 'Kirim rata',
  },
  weightTable: {
    flag: '--weight-table <upToGrams:amount,...|off>',
    name: 'TOKOBAPAK_WEIGHT_TABLE',
    description: 'prices by weight: each bracket the heaviest parcel (grams) it takes and its price, ascending; off turns it off',
    example: '1000:10000,5000:22000',
  },
  weightTableName: {
    flag: '--weight-table-name <name>',
    name: 'TOKOBAPAK_WEIGHT_TABLE_NAME',
    description: 'how the weight-table option is shown to shoppers',
    example: 'Menurut berat',
  },
  biteship: {
    flag: '--biteship <couriers|off>',
    name: 'TOKOBAPAK_BITESHIP_COURIERS',
    description: "comma-separated Biteship courier codes to offer (needs an origin: --biteship-origin or the store's current one); off turns Biteship off",
    example: 'jne,sicepat',
  },
  biteshipOrigin: {
    flag: '--biteship-origin <json>',
    name: 'TOKOBAPAK_BITESHIP_ORIGIN',
    description: 'where Biteship picks parcels up: {"postalCode","contactName","contactPhone","address"}',
    example: '{"postalCode":"10110","contactName":"Toko","contactPhone":"+6281111111111","address":"Jl. Merdeka 1"}',
  },
  quoteTtl: {
    flag: '--quote-ttl <seconds>',
    name: 'TOKOBAPAK_QUOTE_TTL',
    description: 'how long a shopper may choose a quoted option, 60 to 86400 seconds',
    example: '1800',
  },
  shipmentStatus: {
    flag: '--status <status>',
    name: 'TOKOBAPAK_SHIPMENT_STATUS',
    description: 'list: only shipments in this status; update: the status the parcel moved to (pending, picked_up, in_transit, delivered, returned, cancelled)',
    example: 'in_transit',
  },
  note: {
    flag: '--note <text>',
    name: 'TOKOBAPAK_SHIPMENT_NOTE',
    description: "a note kept in the shipment's history, shown to the customer",
    example: 'Diserahkan ke kurir',
  },
  trackingNumber: {
    flag: '--tracking-number <number>',
    name: 'TOKOBAPAK_SHIPMENT_TRACKING_NUMBER',
    description: "the courier's tracking number of a parcel the store sends itself",
    example: 'JNE0123456789',
  },
} as const satisfies Record<string, EnvVar & { flag: string }>;
