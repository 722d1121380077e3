import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalVariantString, resolveVariantQuery, type VariantParams, type VariantQuery } from './variant-params.js';

/** The signature of a custom variant: lower-case hex HMAC-SHA256 of its canonical string. */
export function variantSignature(signingKey: string, imageId: string, params: VariantParams): string {
  return createHmac('sha256', signingKey).update(canonicalVariantString(imageId, params)).digest('hex');
}

/** True when `signature` is the signature of these parameters (compared in constant time). */
export function verifyVariantSignature(signingKey: string, imageId: string, params: VariantParams, signature: string | undefined): boolean {
  if (!signature) return false;
  const expected = Buffer.from(variantSignature(signingKey, imageId, params));
  const given = Buffer.from(signature.toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What {@link signVariantUrl} needs. */
export interface SignVariantUrlInput {
  imageId: string;
  /** `w` and/or `h`, plus any of `fit`, `format`, `q`, `grey`. */
  params: VariantQuery;
  /** The image-proxy service's signing key (its `signingKey` option). */
  signingKey: string;
  /** Prepended to the path, e.g. `https://img.shop.example`; a relative URL when omitted. */
  baseUrl?: string;
}

/**
 * The URL of a custom variant, signed so that the image-proxy service renders it.
 *
 * @example
 * const url = signVariantUrl({ imageId: 'img_01jd…', params: { w: 640, format: 'avif' }, signingKey: process.env.IMAGE_SIGNING_KEY!, baseUrl: 'https://shop.example' });
 * // https://shop.example/image-proxy/images/img_01jd…/variants/custom?w=640&format=avif&sig=…
 */
export function signVariantUrl(input: SignVariantUrlInput): string {
  const { params } = input;
  if (params.w === undefined && params.h === undefined) throw new Error('signVariantUrl: give w, h or both');
  const query = new URLSearchParams();
  for (const name of ['w', 'h', 'fit', 'format', 'q', 'grey'] as const) {
    const value = params[name];
    if (value !== undefined) query.set(name, String(value));
  }
  query.set('sig', variantSignature(input.signingKey, input.imageId, resolveVariantQuery(params)));
  const base = (input.baseUrl ?? '').replace(/\/+$/, '');
  return `${base}/image-proxy/images/${encodeURIComponent(input.imageId)}/variants/custom?${query}`;
}
