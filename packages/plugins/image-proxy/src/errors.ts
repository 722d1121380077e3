import { defineErrors } from '@tokobapak/server';

/** Every coded error the image-proxy service answers with (the spec's operation descriptions name them). */
export const imageProxyErrors = defineErrors({
  IMAGE_NOT_FOUND: { status: 404, title: 'No such image' },
  IMAGE_TOO_LARGE: { status: 413, title: 'The image file is too large' },
  IMAGE_UNSUPPORTED_TYPE: { status: 415, title: 'The file is not a JPEG, PNG, WebP, AVIF or GIF image' },
  IMAGE_DIMENSIONS_TOO_LARGE: { status: 422, title: 'The image is wider or taller than allowed, or has more pixels' },
  IMAGE_CORRUPT: { status: 422, title: 'The image cannot be decoded (truncated or damaged)' },
  IMAGE_QUOTA_EXCEEDED: { status: 409, title: "The store's image quota is used up" },
  IMAGE_UNRENDERABLE: { status: 422, title: 'The original of this image cannot be decoded, so no variant can be rendered' },
  IMAGE_SIGNATURE_INVALID: { status: 403, title: 'The variant parameters are not signed, or the signature does not match' },
  IMAGE_VARIANT_INVALID: { status: 400, title: 'The variant request is not valid' },
  IMAGE_RENDER_QUEUE_FULL: { status: 503, title: 'Too many variants are waiting to be rendered; retry later' },
});
