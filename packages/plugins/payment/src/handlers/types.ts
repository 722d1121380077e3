import type { PaymentOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { PaymentDatabase } from '../database.js';
import type { PaymentEvents } from '../generated/manifest.js';

/** The payment service's handler map, checked against its spec. */
export type PaymentHandlers = Handlers<PaymentOperations, PaymentDatabase, PaymentEvents>;
