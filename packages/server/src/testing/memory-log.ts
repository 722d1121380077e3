import type { EventLog } from '../events/index.js';

/** One line the relay (or a scheduler) logged. */
export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  details: Record<string, unknown>;
}

/**
 * A relay log that keeps its lines, for assertions.
 *
 * @example
 * const log = memoryLog();
 * // … createInProcessRelay({ db, consumers, log })
 * expect(log.lines.filter((line) => line.level === 'error')).toEqual([]);
 */
export function memoryLog(): EventLog & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (details, message) => lines.push({ level: 'info', message, details }),
    warn: (details, message) => lines.push({ level: 'warn', message, details }),
    error: (details, message) => lines.push({ level: 'error', message, details }),
  };
}
