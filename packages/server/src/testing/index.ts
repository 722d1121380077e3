/**
 * Test helpers for plugin authors: a server on a fresh database, torn down with it, and the checks
 * every suite needs (problems, eventual delivery, sessions, signed-up users, a manual clock, outbox
 * reads, a relay log, a remote service whose failures a test steers, the statements sent to a schema).
 */
import type { ServerConfig } from '../config.js';
import { createServer, type TokoBapakServer } from '../create-server.js';
import { openTestDatabase } from './test-database.js';

export { TEST_ADDRESS } from './addresses.js';
export { type ContextPlugin, contextPlugin } from './context-plugin.js';
export { eventually, waitUntil } from './eventually.js';
export { type ManualClock, manualClock } from './manual-clock.js';
export { type LogLine, memoryLog } from './memory-log.js';
export { type OutboxEvent, outboxEvents } from './outbox-events.js';
export { type SignedUpUser, signUp, TEST_PASSWORD, uniqueEmail } from './people.js';
export { expectProblem, expectProblemResponse, type InjectedResponse } from './problems.js';
export { schemaStatements } from './schema-statements.js';
export { customerSession, customerToken, serviceClient, storeSession, storeToken } from './sessions.js';
export { type RemoteBehaviour, type SteeredRemote, startSteeredRemote } from './steered-remote.js';
export { openTestDatabase } from './test-database.js';

/** A server on a fresh test database (PGlite, or PostgreSQL when `DATABASE_URL` is set). */
export interface TestServer extends TokoBapakServer {
  /** `DATABASE_URL` of the fresh PostgreSQL database, when there is one (to start a second process on it). */
  databaseUrl: string | undefined;
}

/**
 * Starts the given plugins on a fresh database with silent logs and an in-memory mailer.
 *
 * @example
 * const server = await createTestServer({ plugins: [authPlugin(), userPlugin()] });
 * const response = await server.app.inject({ method: 'GET', url: '/health' });
 * await server.close();
 */
export async function createTestServer(config: Omit<ServerConfig, 'openDatabase' | 'database'>): Promise<TestServer> {
  const database = await openTestDatabase();
  try {
    // Embedded maintenance is off unless a test asks for it: a fresh database has nothing worth
    // analyzing, and a pass would compete with the test for PGlite's one connection.
    const server = await createServer({
      logLevel: false,
      mail: { transport: 'memory' },
      eventPollIntervalMs: 50,
      embeddedMaintenanceIntervalMs: false,
      // Every pre-serialized body a test sees is checked against its response schema.
      checkSerializedJson: true,
      ...config,
      openDatabase: database,
    });
    const close = server.close.bind(server);
    return Object.assign(server, {
      databaseUrl: database.url,
      async close() {
        await close();
        await database.close();
      },
    });
  } catch (error) {
    await database.close();
    throw error;
  }
}
