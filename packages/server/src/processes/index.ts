export { processesMigration } from './migration.js';
export { createProcessRuntime, type ProcessOwner, type ProcessRuntime } from './process-runtime.js';
export {
  type AnyProcessDefinition,
  defineProcess,
  type ProcessClient,
  type ProcessDefinition,
  type ProcessRun,
  type ProcessState,
  type ProcessStatus,
  type ProcessStep,
  type Recovery,
  type StepContext,
  type StepRecord,
} from './types.js';
