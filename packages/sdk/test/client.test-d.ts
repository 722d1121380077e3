import { describe, expectTypeOf, test } from 'vitest';
import {
  type BinaryResult,
  type ClientOptions,
  createClient,
  createClientFor,
  type FileValue,
  type ImageProxyComponents,
  type NotModifiedResult,
  type OperationArgs,
  type OperationBody,
  type OperationResult,
  type RedirectResult,
  operationTable as sdkOperationTable,
  type TokoBapakClient,
} from '../src/index.js';
import type { ShopComponents, ShopOperations } from './fixtures/generated/index.js';
import { operationTable, type ServiceOperations } from './fixtures/generated/operations.js';

type Product = ShopComponents['schemas']['Product'];
const client = createClientFor<ServiceOperations>(operationTable, { baseUrl: 'http://localhost:3000' });
const price = { amount: 15000, currency: 'IDR' };

describe('operations', () => {
  test('resolve to the success body', () => {
    expectTypeOf(client.shop.getProduct({ params: { productId: 'prd_1' } })).resolves.toEqualTypeOf<Product>();
    expectTypeOf(client.shop.createProduct({ body: { name: 'Teh', price } })).resolves.toEqualTypeOf<Product>();
    expectTypeOf(client.shop.deleteProduct({ params: { productId: 'prd_1' } })).resolves.toEqualTypeOf<undefined>();
    expectTypeOf(client.auth.startOidcLogin({ params: { provider: 'google' } })).resolves.toEqualTypeOf<RedirectResult>();
    expectTypeOf(client.auth.login).returns.resolves.toHaveProperty('refreshToken').toEqualTypeOf<string>();
  });

  test('take no argument when nothing is required', () => {
    expectTypeOf(client.shop.listProducts).toBeCallableWith();
    expectTypeOf(client.auth.logout).toBeCallableWith();
    expectTypeOf(client.shop.updateProduct).toBeCallableWith({ params: { productId: 'p' } }); // optional body
  });

  test('wrong calls do not compile', () => {
    // @ts-expect-error: no such operation
    client.shop.getProducts({ params: { productId: 'p' } });
    // @ts-expect-error: no such service
    client.cart.getCart();
    // @ts-expect-error: the body is required
    client.shop.createProduct({});
    // @ts-expect-error: the whole argument is required
    client.shop.createProduct();
    // @ts-expect-error: `name` must be a string
    client.shop.createProduct({ body: { name: 42, price } });
    // @ts-expect-error: `price.amount` must be an integer, not a string
    client.shop.createProduct({ body: { name: 'Teh', price: { amount: '15000', currency: 'IDR' } } });
    // @ts-expect-error: unknown body property
    client.shop.createProduct({ body: { name: 'Teh', price, colour: 'red' } });
    // @ts-expect-error: path parameter `productId` must be a string
    client.shop.getProduct({ params: { productId: 42 } });
    // @ts-expect-error: path parameters are required
    client.shop.getProduct();
    // @ts-expect-error: misspelt path parameter
    client.shop.getProduct({ params: { id: 'p' } });
    // @ts-expect-error: `q` is a required query parameter
    client.shop.searchProducts({ query: { limit: 5 } });
    // @ts-expect-error: `limit` is a number
    client.shop.listProducts({ query: { limit: '5' } });
    // @ts-expect-error: this operation takes no body
    client.shop.getProduct({ params: { productId: 'p' }, body: {} });
    // @ts-expect-error: only idempotent operations take an idempotency key
    client.shop.getProduct({ params: { productId: 'p' }, idempotencyKey: 'k' });
  });
});

describe('arguments', () => {
  test('mirror the operation', () => {
    expectTypeOf<OperationArgs<ShopOperations['createProduct']>>().toHaveProperty('idempotencyKey').toEqualTypeOf<string | undefined>();
    expectTypeOf<OperationArgs<ShopOperations['getProduct']>['params']>().toEqualTypeOf<{ productId: string }>();
    expectTypeOf<OperationArgs<ShopOperations['searchProducts']>['query']>().toEqualTypeOf<{ q: string; limit?: number }>();
    expectTypeOf<OperationArgs<ShopOperations['listProducts']>['signal']>().toEqualTypeOf<AbortSignal | undefined>();
  });
});

describe('multipart bodies', () => {
  // Typed by the table: it names the file properties (`format: binary`), which openapi-typescript types as plain strings.
  const typed = createClientFor<ServiceOperations, typeof operationTable>(operationTable, { baseUrl: 'http://localhost:3000' });
  type UploadBody = OperationBody<ShopOperations['uploadProductImage'], (typeof operationTable)['shop']['uploadProductImage']>;

  test('take Blobs, Files and bytes for file properties and the spec’s types for the others', () => {
    expectTypeOf<UploadBody>().toEqualTypeOf<{ file: FileValue; raw?: FileValue; alt?: string; position?: number }>();
    expectTypeOf(typed.shop.uploadProductImage).toBeCallableWith({ params: { productId: 'p' }, body: { file: new Blob(['x']) } });
    expectTypeOf(typed.shop.uploadProductImage).toBeCallableWith({
      params: { productId: 'p' },
      body: { file: new File(['x'], 'x.png'), alt: 'A', position: 1 },
    });
    expectTypeOf(typed.shop.uploadProductImage).toBeCallableWith({ params: { productId: 'p' }, body: { file: new Uint8Array([1]) }, idempotencyKey: 'k' });
    expectTypeOf(typed.shop.uploadProductImage).returns.resolves.toEqualTypeOf<{ id: string }>();
  });

  test('refuse what is not a file, and what the schema does not allow', () => {
    // @ts-expect-error: a number is not a file
    typed.shop.uploadProductImage({ params: { productId: 'p' }, body: { file: 42 } });
    // @ts-expect-error: a file property takes a file, not its text
    typed.shop.uploadProductImage({ params: { productId: 'p' }, body: { file: 'photo.png' } });
    // @ts-expect-error: `file` is required
    typed.shop.uploadProductImage({ params: { productId: 'p' }, body: { alt: 'A' } });
    // @ts-expect-error: `alt` is a text field, not a file
    typed.shop.uploadProductImage({ params: { productId: 'p' }, body: { file: new Blob(['x']), alt: new Blob(['y']) } });
    // @ts-expect-error: unknown body property
    typed.shop.uploadProductImage({ params: { productId: 'p' }, body: { file: new Blob(['x']), colour: 'red' } });
  });

  test('without the table type, any string property may be a file, and a number still is not', () => {
    expectTypeOf(client.shop.uploadProductImage).toBeCallableWith({ params: { productId: 'p' }, body: { file: new Blob(['x']) } });
    // @ts-expect-error: a number is not a file
    client.shop.uploadProductImage({ params: { productId: 'p' }, body: { file: 42 } });
  });

  test('the SDK client knows image-proxy uploads take a file', () => {
    const sdk = createClient({ baseUrl: 'http://localhost:3000' });
    expectTypeOf(sdk.imageProxy.uploadImage).toBeCallableWith({ body: { file: new Blob(['x'], { type: 'image/png' }) } });
    // @ts-expect-error: a number is not a file
    sdk.imageProxy.uploadImage({ body: { file: 42 } });
    // @ts-expect-error: nor is a string
    sdk.imageProxy.uploadImage({ body: { file: 'x' } });
  });
});

describe('binary responses', () => {
  type Picture = BinaryResult<'image/png' | 'image/webp'>;

  test('an operation without JSON success content resolves to a BinaryResult typed by its media types', () => {
    expectTypeOf(client.shop.getProductPicture({ params: { productId: 'p' } })).resolves.toEqualTypeOf<Picture | NotModifiedResult>();
    expectTypeOf(client.shop.exportProducts()).resolves.toEqualTypeOf<BinaryResult<'text/csv'>>();
    expectTypeOf<BinaryResult['body']>().toEqualTypeOf<Blob>();
    // a JSON operation keeps its typed body
    expectTypeOf(client.shop.getProduct({ params: { productId: 'p' } })).resolves.toEqualTypeOf<Product>();
  });

  test('the operation table records the same kind', () => {
    expectTypeOf(operationTable.shop.getProductPicture.response).toEqualTypeOf<'binary'>();
    expectTypeOf(operationTable.shop.getProductPicture.notModified).toEqualTypeOf<true>();
    expectTypeOf(operationTable.shop.exportProducts.response).toEqualTypeOf<'binary'>();
    expectTypeOf(operationTable.shop.getProduct.response).toEqualTypeOf<'json'>();
  });

  test('304 is part of the result only where the spec declares it, and narrows on notModified', async () => {
    const result = await client.shop.getProductPicture({ params: { productId: 'p' }, headers: { 'if-none-match': '"v1"' } });
    // @ts-expect-error: the body is there only once a 304 is ruled out
    result.body;
    if (result.notModified) {
      expectTypeOf(result).toEqualTypeOf<NotModifiedResult>();
      expectTypeOf(result.etag).toEqualTypeOf<string | undefined>();
    } else {
      expectTypeOf(result.body).toEqualTypeOf<Blob>();
      expectTypeOf(result.contentType).toEqualTypeOf<'image/png' | 'image/webp'>();
    }
    // @ts-expect-error: `if-none-match` is a string
    client.shop.getProductPicture({ params: { productId: 'p' }, headers: { 'if-none-match': 1 } });
  });

  test('media type ranges become template types; a JSON operation that declares 304 gets it too', () => {
    type Range = { responses: { 200: { headers: Record<string, unknown>; content: { 'image/*': string } } } };
    type Anything = { responses: { 200: { headers: Record<string, unknown>; content: { '*/*': string } } } };
    type Conditional = {
      responses: { 200: { headers: Record<string, unknown>; content: { 'application/json': { id: string } } }; 304: { headers: Record<string, unknown> } };
    };
    type VendorJson = { responses: { 200: { headers: Record<string, unknown>; content: { 'application/vnd.api+json': { id: string } } } } };
    expectTypeOf<OperationResult<Range>>().toEqualTypeOf<BinaryResult<`image/${string}`>>();
    expectTypeOf<OperationResult<Anything>>().toEqualTypeOf<BinaryResult<string>>();
    expectTypeOf<OperationResult<Conditional>>().toEqualTypeOf<{ id: string } | NotModifiedResult>();
    type Lines = { responses: { 200: { headers: Record<string, unknown>; content: { 'application/jsonl': string } } } };
    expectTypeOf<OperationResult<VendorJson>>().toEqualTypeOf<{ id: string }>(); // `+json` is JSON
    expectTypeOf<OperationResult<Lines>>().toEqualTypeOf<BinaryResult<'application/jsonl'>>(); // as the generator decides
  });

  test('the SDK client: image-proxy variants and originals are images, image metadata stays JSON', () => {
    const sdk = createClient({ baseUrl: 'http://localhost:3000' });
    type Image = BinaryResult<'image/webp' | 'image/avif' | 'image/jpeg' | 'image/png' | 'image/gif'>;
    expectTypeOf(sdk.imageProxy.getVariant({ params: { imageId: 'img_1', variant: 'card' } })).resolves.toEqualTypeOf<Image | NotModifiedResult>();
    expectTypeOf(sdk.imageProxy.getOriginal({ params: { imageId: 'img_1' } })).resolves.toEqualTypeOf<Image | NotModifiedResult>();
    expectTypeOf(sdk.imageProxy.getImage({ params: { imageId: 'img_1' } })).resolves.toEqualTypeOf<ImageProxyComponents['schemas']['Image']>();
    expectTypeOf(sdkOperationTable.imageProxy.getVariant.response).toEqualTypeOf<'binary'>();
    expectTypeOf(sdkOperationTable.imageProxy.getImage.response).toEqualTypeOf<'json'>();
  });
});

describe('iterate', () => {
  test('yields page items on paginated operations only', () => {
    expectTypeOf(client.shop.listProducts.iterate()).toEqualTypeOf<AsyncIterableIterator<Product>>();
    // @ts-expect-error: getProduct is not paginated
    client.shop.getProduct.iterate;
  });
});

describe('createClient', () => {
  test('is the same runtime over the generated SDK table', () => {
    expectTypeOf(createClient).returns.toEqualTypeOf<TokoBapakClient>();
    expectTypeOf<{ baseUrl: 'http://localhost:3000' }>().toMatchTypeOf<ClientOptions>();
  });
});
