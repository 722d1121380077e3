/**
 * `@tokobapak/sdk`: a typed client for every TokoBapak service operation. The types come from the
 * OpenAPI specs (`pnpm generate`); one small runtime serves every operation.
 */
export {
  type ClientOptions,
  type OperationDescriptor,
  type OperationTable,
  type ServiceName,
  type TokoBapakClient,
  createClient,
  createClientFor,
} from './client.js';
export { type Problem, TokoBapakError } from './errors.js';
export type {
  ClientOf,
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
export { type StoredTokens, type TokenStore, memoryTokenStore } from './token-store.js';
export { type ServiceOperations, operationTable } from './generated/operations.js';
export type * from './generated/index.js';
