export { scheduledJobsMigration } from './migration.js';
export { type JobOwner, type Scheduler, startScheduler } from './scheduler.js';
export type { AnyScheduledJob, ScheduledJob } from './types.js';
