/**
 * The CLI's error catalogue. Every failure a user can fix is a {@link CliError} with a stable code;
 * `docs/cli.md` lists each code (a test keeps the two in step).
 */
export const cliErrors = {
  CLI_TARGET_NOT_EMPTY: 'The target folder of `tokobapak new` exists and is not empty.',
  CLI_WORKSPACE_NOT_FOUND: 'The folder given to `--link` is not a TokoBapak workspace checkout.',
  CLI_UNKNOWN_SERVICE: 'A service name is not one of the built-in services.',
  CLI_CONFIG_NOT_FOUND: 'The file given to `--config` does not exist.',
  CLI_CONFIG_INVALID: 'The config file could not be loaded or a key has the wrong type.',
  CLI_INVALID_VALUE: 'A flag or environment variable has a value that cannot be used.',
  CLI_PORT_IN_USE: 'The port `tokobapak start` was asked to listen on is taken.',
  CLI_DATA_DIR_LOCKED: 'Another running process (named by its pid) holds the PGlite data folder; PGlite allows one process per folder.',
  CLI_SERVICE_MISSING: 'A selected service calls a service that is neither selected nor reachable at a configured URL.',
  CLI_PACKAGE_MISSING: 'A TokoBapak package the command needs is not installed (or, in a checkout, not built).',
  CLI_PACK_FAILED: '`tokobapak new` from a checkout could not pack one of its packages with `pnpm pack`.',
  CLI_MIGRATION_FAILED: 'A migration failed; the report names it.',
  CLI_FILE_UNREADABLE: 'A file given to a command cannot be read or written, or is not CSV or JSON.',
  CLI_IMPORT_REJECTED: 'Rows of a product import are not valid; the summary names each one.',
  CLI_REQUEST_FAILED: 'The store refused a request or could not be reached.',
  CLI_CREDENTIALS_MISSING: 'A `store` command got no credentials, or not the kind it needs (a person, for `store create`).',
  CLI_STORE_NOT_FOUND: 'The signed-in person is not a member of the store to act in, or of exactly one store when none was named.',
  CLI_API_ERROR: "The store's API refused the request; the message carries its status and problem code.",
  CLI_SERVER_UNREACHABLE: 'No TokoBapak server answers at the `--url` of a `store` command.',
  CLI_UNEXPECTED: 'Anything else: a bug. The stack trace goes to stderr; please report it.',
} as const;

/** A code from {@link cliErrors}. */
export type CliErrorCode = keyof typeof cliErrors;

/** A failure the user can act on: printed as one message (or a JSON document) with exit code 1. */
export class CliError extends Error {
  /** Process exit code (1 unless said otherwise). */
  readonly exitCode: number;
  /** True when the command already printed the failure (e.g. in a report), so it is not printed again. */
  readonly reported: boolean;

  constructor(
    readonly code: CliErrorCode,
    message: string,
    options: { exitCode?: number; reported?: boolean } = {},
  ) {
    super(message);
    this.name = 'CliError';
    this.exitCode = options.exitCode ?? 1;
    this.reported = options.reported ?? false;
  }
}
