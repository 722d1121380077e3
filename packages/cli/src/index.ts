// The public API of the `tokobapak` package: the program (for embedding and tests), the store
// scaffolder, and the config file type. Everything else is internal.

export { buildProgram, runCli } from './program.js';
export type { CliContext, OutputStream } from './services/cli-context.js';
export type { StoreConfig, StoreMailConfig } from './services/config-file.js';
export { DEMO_USERS, type DemoSeedResult, type DemoUser, seedDemo } from './services/demo-seed.js';
export { CliError, type CliErrorCode, cliErrors } from './services/errors.js';
export type { ServerRuntime, ServiceFactory, ServiceRegistry } from './services/runtime.js';
export { type ScaffoldOptions, type ScaffoldResult, scaffoldStore } from './services/scaffold.js';
