import type { AutocannonRequestStep } from '../autocannon.js';
import type { ScenarioName } from '../options.js';

/** One load scenario: the request sequence each connection repeats, and what it noticed on the way. */
export interface Scenario {
  name: ScenarioName;
  /** What one request does, for the report. */
  description: string;
  requests: AutocannonRequestStep[];
  /**
   * Anything that went wrong beyond autocannon's own counts, by kind: failed responses as
   * `<status> <problem code>`, and the scenario's self-checks (e.g. a refresh token about to be
   * used twice). Empty when all went well.
   */
  anomalies(): Record<string, number>;
}

/** Counts anomalies by kind. */
export class Tally {
  readonly counts: Record<string, number> = {};

  add(kind: string): void {
    this.counts[kind] = (this.counts[kind] ?? 0) + 1;
  }

  /** Records a failed response as `<status> <problem code>`. */
  addResponse(status: number, body: string): void {
    this.add(`${status} ${problemCode(body)}`);
  }
}

function problemCode(body: string): string {
  try {
    const problem = JSON.parse(body) as { code?: unknown };
    return typeof problem.code === 'string' ? problem.code : 'no code';
  } catch {
    return 'unparsable body';
  }
}

/** JSON request headers. */
export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, application/problem+json' };
