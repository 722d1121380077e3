import type { UserOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { UserDatabase } from '../database.js';
import type { UserEvents } from '../generated/manifest.js';

/** The user service's handler map, checked against its spec. */
export type UserHandlers = Handlers<UserOperations, UserDatabase, UserEvents>;
