import { Command, CommanderError } from 'commander';
import { registerAccountCommands } from './commands/account.js';
import { registerBannersCommand } from './commands/banners.js';
import { registerImagesCommand } from './commands/images.js';
import { registerKeysCommand } from './commands/keys.js';
import { registerMigrateCommand } from './commands/migrate.js';
import { registerNewCommand } from './commands/new.js';
import { registerOrdersCommand } from './commands/orders.js';
import { registerPaymentsCommand } from './commands/payments.js';
import { registerPayoutsCommand } from './commands/payouts.js';
import { registerProductsCommand } from './commands/products.js';
import { registerPromotionsCommand } from './commands/promotions.js';
import { registerServicesCommand } from './commands/services.js';
import { registerShippingCommand } from './commands/shipping.js';
import { registerStartCommand } from './commands/start.js';
import { registerStoreCommand } from './commands/store.js';
import { registerWithdrawalsCommand } from './commands/withdrawals.js';
import { type CliContext, createContext } from './services/cli-context.js';
import { applyDotEnv } from './services/dot-env.js';
import { CliError } from './services/errors.js';
import { cliPackage } from './services/package-info.js';
import { resolveJson } from './services/settings.js';
import { writeJson } from './ui/output.js';

/**
 * Builds the `tokobapak` commander program. Parsing never exits the process: errors surface as
 * thrown `CommanderError`s (see {@link runCli}, which turns everything into an exit code).
 *
 * @example
 * import { buildProgram } from 'tokobapak';
 * await buildProgram().parseAsync(['services', '--json'], { from: 'user' });
 */
export function buildProgram(context: CliContext = createContext()): Command {
  const program = new Command('tokobapak')
    .description('TokoBapak: scaffold a store, run its migrations, start its services')
    .version(cliPackage().version, '-V, --version', 'print the CLI version')
    .helpOption('-h, --help', 'show help')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void context.stdout.write(text),
      writeErr: (text) => void context.stderr.write(text),
    });
  registerNewCommand(program, context);
  registerMigrateCommand(program, context);
  registerStartCommand(program, context);
  registerServicesCommand(program, context);
  registerProductsCommand(program, context);
  registerStoreCommand(program, context);
  registerBannersCommand(program, context);
  registerOrdersCommand(program, context);
  registerShippingCommand(program, context);
  registerPromotionsCommand(program, context);
  registerPayoutsCommand(program, context);
  registerWithdrawalsCommand(program, context);
  registerAccountCommands(program, context);
  registerKeysCommand(program, context);
  registerImagesCommand(program, context);
  registerPaymentsCommand(program, context);
  return program;
}

/**
 * Runs the CLI on `args` (without `node` and the script path) and returns the exit code instead of
 * exiting. A {@link CliError} prints its message (and, with `--json`, an `{ error }` document);
 * anything else prints its stack, since it is a bug to report.
 */
export async function runCli(args: string[], overrides: Partial<CliContext> = {}): Promise<number> {
  const context = createContext(overrides);
  const program = buildProgram(context);
  try {
    applyDotEnv(context.cwd, context.env);
    await program.parseAsync(args, { from: 'user' });
    return 0;
  } catch (error) {
    // Help, version and usage errors: commander has printed them already.
    if (error instanceof CommanderError) return error.exitCode;
    const json = args.includes('--json') || safeJsonFlag(context);
    if (error instanceof CliError) {
      if (!error.reported) {
        context.stderr.write(`error: ${error.message}\n`);
        if (json) writeJson(context.stdout, { error: { code: error.code, message: error.message } });
      }
      return error.exitCode;
    }
    context.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (json) writeJson(context.stdout, { error: { code: 'CLI_UNEXPECTED', message: error instanceof Error ? error.message : String(error) } });
    return 1;
  }
}

function safeJsonFlag(context: CliContext): boolean {
  try {
    return resolveJson(undefined, context.env);
  } catch {
    return false;
  }
}
