/** @tokobapak/server: the runtime every TokoBapak service plugin runs in. */

export type { AfterCommit } from './after-commit.js';
export type { AnonymousRateLimit, RequestBudget } from './anonymous-rate-limit.js';
export type { ApiKeyCaller, Caller, GuestCaller, ServiceCaller, StoreRole, UserCaller, UserRole } from './caller.js';
export { actingUserId, requireApiKey, requireService, requireStore, requireUser, type StoreContext } from './caller-guards.js';
export { coalescedReader } from './coalesced-reads.js';
export type { ServerConfig } from './config.js';
export { type CorsOrigins, LOCALHOST_ORIGINS } from './cors.js';
export { createServer, DEFAULT_LOG_LEVEL, type TokoBapakServer } from './create-server.js';
export { DataDirLockedError, type LockHolder } from './data-dir-lock.js';
export { type Database, type DatabaseConfig, openDatabase } from './database.js';
export { isUniqueViolation } from './database-errors.js';
export {
  defineErrors,
  type ErrorCatalogue,
  type ErrorSpec,
  isProblemError,
  type Problem,
  type ProblemDetails,
  ProblemError,
  platformErrors,
} from './errors.js';
export { isPermanentFailure, PermanentEventFailure } from './events/permanent-failure.js';
export type { EventEnvelope, NewEvent } from './events/types.js';
export { HEAP_GROWING_PERCENT, limitHeapGrowth } from './heap-growth.js';
export { newId, secureRandomBytes } from './ids.js';
export type { ScheduledJob } from './jobs/types.js';
export type { DemoAccount, LandingPageOptions } from './landing-page.js';
export { createMailer, type MailConfig, type Mailer, type MailMessage } from './mail/index.js';
export { applyMigrations, type MigrationReport, type MigrationStatusRow, migrationStatus, runMigrations } from './migrations.js';
export { isUploadedFile, type MultipartBody, type UploadedFile } from './multipart.js';
export type { DefaultBody, PathParams, QueryParams, RequestBody, ResponseBody } from './operation-types.js';
export { decodeCursor, decodeCursorMatching, encodeCursor, invalidCursor, type Page, toPage } from './pagination.js';
export {
  type Clock,
  type ConsumedEvent,
  definePlugin,
  eventSubscriber,
  type Handler,
  type HandlerContext,
  type HandlerRequest,
  type HandlerResult,
  type Handlers,
  type OpenApiDocument,
  type Plugin,
  type PluginContext,
  type PluginDefinition,
  type PluginEvents,
  type PluginManifest,
  type PluginPorts,
  type PublishableEvent,
  type Subscription,
  type TxContext,
  type UntypedEvents,
} from './plugin.js';
export {
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
} from './processes/types.js';
export {
  listTemplate,
  type Placeholders,
  type QueryTemplate,
  type QueryTemplateDefinition,
  queryTemplate,
  type RowLists,
  type RowsTemplateDefinition,
  rowsTemplate,
} from './query-templates.js';
export type { RateLimit, RateLimiter } from './rate-limit.js';
export { Reply, redirect, reply } from './reply.js';
export { findUnsafeText, isSafeText, UNSAFE_TEXT_MESSAGE, type UnsafeTextIssue } from './safe-text.js';
export { jsonArrayText, SchemaJson, schemaJsonArray, schemaJsonObject } from './schema-json.js';
export type { ApiKeyVerifier } from './security.js';
export { SerializedJson, serializedJson } from './serialized-json.js';
export { isRefusal, isServiceNotDeployed } from './service-absence.js';
export { describeMissingService, type MissingService, MissingServicesError, serviceUrlVariable } from './service-dependencies.js';
export { type DeclaredCall, type DeclaredEvent, isJsonMediaType, readServiceContract, type ServiceContract } from './spec-reader.js';
export { type JsonSchema, type OperationRoute, readOperations, type SecurityRequirement } from './spec-routes.js';
export { executeRiding } from './statements-ahead.js';
export { type AccessClaims, createTokenService, type TokenService } from './tokens.js';
