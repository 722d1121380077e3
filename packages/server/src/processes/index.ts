export { processesMigration } from './migration.js';
export { createProcessRuntime, type ProcessOwner, type ProcessRuntime } from './process-runtime.js';
