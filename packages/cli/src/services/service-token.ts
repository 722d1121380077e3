import { CliError } from './errors.js';
import type { ServerRuntime } from './runtime.js';
import type { Env } from './settings.js';

/** The variable holding the platform secret every process of a store shares. */
export const SECRET_VARIABLE = 'TOKOBAPAK_SECRET';

const SERVICE_NAME = /^[a-z][a-z0-9-]{1,39}$/;

/**
 * `tokobapak service-token`: a service credential (`X-Service-Credential`) signed with the
 * platform secret, for an integrator's process that calls service-only operations (`reserveStock`)
 * as the named service. The secret comes from `TOKOBAPAK_SECRET` only, never a flag (shell history).
 */
export async function mintServiceToken(
  runtime: Pick<ServerRuntime, 'createTokenService'>,
  env: Env,
  service: string,
): Promise<{ service: string; header: string; credential: string }> {
  if (!SERVICE_NAME.test(service))
    throw new CliError('CLI_INVALID_VALUE', `--service / TOKOBAPAK_SERVICE must be a service name such as order, got "${service}"`);
  const secret = env[SECRET_VARIABLE];
  if (!secret) {
    throw new CliError(
      'CLI_CREDENTIALS_MISSING',
      `Set ${SECRET_VARIABLE} to the store's platform secret (the one its processes share); a store started without it keeps a generated one in its database, so give the store one first`,
    );
  }
  if (!runtime.createTokenService) throw new CliError('CLI_PACKAGE_MISSING', '@tokobapak/server is too old to sign service credentials');
  const credential = runtime.createTokenService({ secret }).signServiceToken(service);
  return { service, header: 'X-Service-Credential', credential };
}
