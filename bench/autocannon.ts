import { createRequire } from 'node:module';

// autocannon ships no type declarations; these are the parts of its programmatic API the harness
// uses (README of autocannon 8), kept here rather than in a hand-written `.d.ts`.

/** The raw request autocannon is about to encode; `setupRequest` may change and return it. */
export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** One entry of the `requests` sequence a connection walks through. */
export interface AutocannonRequestStep extends AutocannonRequest {
  /** Called before each send; `context` is per connection and lives until `onResponse` of that request. */
  setupRequest?: (request: AutocannonRequest, context: Record<string, unknown>) => AutocannonRequest;
  /** Called with each response, synchronously before the connection's next request is built. */
  onResponse?: (status: number, body: string, context: Record<string, unknown>) => void;
}

/** Options of a run (the subset the harness sets). */
export interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  pipelining?: number;
  timeout?: number;
  method?: string;
  headers?: Record<string, string>;
  requests?: AutocannonRequestStep[];
}

/** A latency or rate histogram summary. */
export interface AutocannonHistogram {
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p97_5: number;
  p99: number;
  total?: number;
}

/** What a finished run reports. */
export interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: AutocannonHistogram;
  requests: AutocannonHistogram & { sent: number };
}

type AutocannonFunction = (options: AutocannonOptions, done: (error: Error | null, result: AutocannonResult) => void) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as AutocannonFunction;

/** Runs autocannon and resolves with its result. */
export function runAutocannon(options: AutocannonOptions): Promise<AutocannonResult> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}
