import { eventTypes, TokoBapakError } from '@tokobapak/sdk';
import { defineProcess, isUniqueViolation, type ProcessDefinition, platformErrors } from '@tokobapak/server';
import type { UserDatabase } from './database.js';
import { userErrors } from './errors.js';
import type { UserEvents } from './generated/manifest.js';
import type { UserSettings } from './options.js';
import { clearStaleReservation, EMAIL_INDEX } from './stale-reservations.js';

/** What a registration stores: everything but the password. */
export interface RegistrationRecord {
  userId: string;
  email: string;
  name: string;
  phone: string | null;
  locale: string;
}

/** What a registration needs and never stores: after a crash it is gone, so the process compensates. */
export interface RegistrationSecret {
  password: string;
}

/** What each step keeps for its compensation: the user id it acted for. */
interface Reserved {
  userId: string;
}

/** The registration process, by its definition. */
export type RegistrationProcess = ProcessDefinition<UserDatabase, RegistrationRecord, RegistrationSecret, UserEvents>;

/**
 * Registration as a durable process across two services (the user service owns the profile, auth
 * the credential, and no transaction may wait on another service):
 *
 * 1. `reserve-email`: a `pending` user row holds the email (the unique index makes concurrent
 *    attempts 409); undone by deleting it;
 * 2. `create-credential`: auth stores the password; undone by deleting the credential;
 * 3. `activate`: the row becomes active and `user.registered` is published, in one transaction.
 *
 * A server that dies before step 3 leaves a process that the next start (or another server)
 * compensates: the password is not stored, so the credential step cannot be run again, and an
 * account must never exist in auth alone (it could sign in while `/user/me` answers 401). One that
 * dies at step 3 has both halves in place, so step 3 is resumed. Steps 1 and 2 name the user id
 * before acting, so even a step cut short in the middle is undone.
 */
export function registrationProcess(settings: UserSettings): RegistrationProcess {
  return defineProcess<UserDatabase, RegistrationRecord, RegistrationSecret, UserEvents>({
    name: 'registration',
    recovery: 'compensate',
    steps: [
      {
        id: 'reserve-email',
        uncertain: ({ input }): Reserved => ({ userId: input.userId }),
        async action(ctx): Promise<Reserved> {
          const { input } = ctx;
          const now = ctx.clock.now();
          const row = { id: input.userId, email: input.email, email_verified: false, name: input.name, phone: input.phone, locale: input.locale };
          const reserve = async () => {
            try {
              await ctx.db
                .insertInto('users')
                .values({ ...row, status: 'pending', created_at: now, updated_at: now })
                .execute();
              return true;
            } catch (error) {
              if (isUniqueViolation(error, EMAIL_INDEX)) return false;
              throw error;
            }
          };
          if (!(await reserve())) {
            if (!(await clearStaleReservation(ctx, settings, input.email)) || !(await reserve())) throw userErrors.USER_EMAIL_TAKEN();
          }
          return { userId: input.userId };
        },
        async compensate(ctx, reserved) {
          if (!reserved) return;
          await ctx.db.deleteFrom('users').where('id', '=', reserved.userId).where('status', '=', 'pending').execute();
        },
      },
      {
        id: 'create-credential',
        // A timeout or a 5xx may come after auth stored the credential: undo it as if it had.
        uncertain: ({ input }): Reserved => ({ userId: input.userId }),
        async action(ctx): Promise<Reserved> {
          const { input, transient } = ctx;
          if (!transient) throw new Error('the password is not stored, so a registration cannot resume before its credential exists');
          try {
            await ctx.clients.auth.createCredential({ body: { userId: input.userId, email: input.email, password: transient.password } });
          } catch (error) {
            throw translateCredentialError(error);
          }
          return { userId: input.userId };
        },
        async compensate(ctx, created) {
          if (!created) return;
          // Throws when auth cannot be reached: the runtime retries, and the reservation (undone
          // after this) keeps the email until the credential is gone.
          await ctx.clients.auth.deleteCredential({ params: { userId: created.userId } });
        },
      },
      {
        id: 'activate',
        recovery: 'resume',
        async action(ctx) {
          const { input } = ctx;
          await ctx.transaction(async (tx) => {
            const row = await tx.db
              .updateTable('users')
              .set({ status: 'active', updated_at: ctx.clock.now() })
              .where('id', '=', input.userId)
              .where('status', '=', 'pending')
              .returning(['id', 'name'])
              .executeTakeFirst();
            if (row) {
              await tx.publish({
                type: eventTypes.user.registered,
                subject: input.userId,
                data: { userId: input.userId, email: input.email, name: row.name },
              });
              return;
            }
            // Run again after a crash that followed the commit: the account is already active.
            const existing = await tx.db.selectFrom('users').select('status').where('id', '=', input.userId).executeTakeFirst();
            if (!existing) throw platformErrors.SERVICE_UNAVAILABLE('Registration took too long; try again');
          });
        },
      },
    ],
  });
}

/** Auth's refusals, in the user service's words; anything else passes through unchanged. */
function translateCredentialError(error: unknown): unknown {
  if (!(error instanceof TokoBapakError)) return error;
  switch (error.code) {
    case 'AUTH_EMAIL_TAKEN':
      return userErrors.USER_EMAIL_TAKEN();
    case 'AUTH_WEAK_PASSWORD':
      return userErrors.USER_WEAK_PASSWORD(error.problem.detail);
    default:
      return error;
  }
}
