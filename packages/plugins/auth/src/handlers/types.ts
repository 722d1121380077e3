import type { AuthOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { AuthDatabase } from '../database.js';
import type { AuthEvents } from '../generated/manifest.js';

/** The auth service's handler map, checked against its spec. */
export type AuthHandlers = Handlers<AuthOperations, AuthDatabase, AuthEvents>;
