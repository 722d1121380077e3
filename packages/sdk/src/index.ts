/**
 * `@tokobapak/sdk`: a typed client for every TokoBapak service operation. The types come from the
 * OpenAPI specs (`pnpm generate`); one small runtime serves every operation.
 */

export { CART_TOKEN_HEADER, cartTokenMiddleware, mergeGuestCart } from './cart-token.js';
export {
  type ClientOptions,
  createClient,
  createClientFor,
  type Middleware,
  type MiddlewareCall,
  type OperationDescriptor,
  type OperationTable,
  type ServiceName,
  type TokoBapakClient,
} from './client.js';
export { type Problem, TokoBapakError } from './errors.js';
export { type EventPayloads, type EventType, eventSchemas, eventTypes, portEvents } from './generated/events.js';
export type * from './generated/index.js';
export { operationTable, portOperations, type ServiceOperations } from './generated/operations.js';
export type {
  BinaryResult,
  ClientOf,
  FileValue,
  NotModifiedResult,
  OperationArgs,
  OperationBody,
  OperationCall,
  OperationMethod,
  OperationResult,
  PageItem,
  Paginated,
  RedirectResult,
  ServiceClient,
} from './operation-types.js';
export type { StoreSession, StoreSessionHelpers } from './store-session.js';
export { memoryTokenStore, type StoredTokens, type TokenStore } from './token-store.js';
