/** Settings of the user service (the `user` key of `tokobapak.config.mjs`). */
export interface UserPluginOptions {
  /**
   * After how many seconds a pending registration with no unfinished registration process (one left
   * by a server that predates durable processes) stops holding its email; default 300. A crashed
   * registration's process is compensated on recovery and frees the email then.
   */
  pendingRegistrationTtlSeconds?: number;
  /**
   * Registrations attempted per email address per hour, whatever their outcome; beyond it 429
   * `RATE_LIMITED` with `Retry-After` (default 10). Slows probing which emails have accounts.
   */
  registrationsPerHour?: number;
}

/** Options with their defaults applied. */
export interface UserSettings {
  pendingRegistrationTtlMs: number;
  registrationsPerHour: number;
}

/** Applies defaults to the plugin options. */
export function resolveSettings(options: UserPluginOptions): UserSettings {
  const seconds = options.pendingRegistrationTtlSeconds ?? 300;
  if (!Number.isFinite(seconds) || seconds <= 0) throw new Error(`user: pendingRegistrationTtlSeconds must be a positive number, got ${seconds}`);
  const registrationsPerHour = options.registrationsPerHour ?? 10;
  if (!Number.isInteger(registrationsPerHour) || registrationsPerHour <= 0) {
    throw new Error(`user: registrationsPerHour must be a positive integer, got ${registrationsPerHour}`);
  }
  return { pendingRegistrationTtlMs: seconds * 1000, registrationsPerHour };
}
