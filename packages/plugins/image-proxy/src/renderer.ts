import sharp, { type Metadata, type Sharp } from 'sharp';
import { FORMAT_CONTENT_TYPES, type VariantParams } from './variant-params.js';

/** An image's format and size as read from its bytes. */
export interface DetectedImage {
  contentType: string;
  width: number;
  height: number;
}

/** Renders one variant from an original's bytes; injectable so tests can count or slow renders. */
export type VariantRenderer = (original: Buffer, params: VariantParams) => Promise<{ bytes: Buffer; contentType: string }>;

/**
 * What the bytes are, by sniffing them with sharp (libvips reads only the header), or `null` for
 * anything but JPEG, PNG, WebP, AVIF and GIF. HEIC shares AVIF's container and is told apart by
 * its compression.
 */
export async function detectImage(bytes: Buffer): Promise<DetectedImage | null> {
  let metadata: Metadata;
  try {
    metadata = await sharp(bytes).metadata();
  } catch {
    return null;
  }
  const contentType = contentTypeOf(metadata);
  if (!contentType || !metadata.width || !metadata.height) return null;
  // An animated image's metadata height covers every frame; variants use the first.
  const height = metadata.pageHeight && metadata.pages && metadata.pages > 1 ? metadata.pageHeight : metadata.height;
  return { contentType, width: metadata.width, height };
}

function contentTypeOf(metadata: Metadata): string | undefined {
  switch (metadata.format) {
    case 'jpeg':
    case 'png':
    case 'webp':
    case 'gif':
      return `image/${metadata.format}`;
    case 'heif':
      return metadata.compression === 'av1' ? 'image/avif' : undefined;
    default:
      return undefined;
  }
}

/**
 * The AVIF encoder effort (sharp: 0 fastest … 9 slowest, default 4). At sharp's default an 800×800
 * AVIF took ~3 s on one core; effort 3 took ~0.27 s for 0.7 dB less PSNR and slightly smaller files
 * (figures in docs/services/image-proxy.md).
 */
export const AVIF_EFFORT = 3;

/**
 * libvips settings for a server that decodes untrusted images: no operation cache (it would keep
 * decoded originals alive after their response; rendered variants have their own cache) and one
 * thread per image (parallelism comes from rendering several variants at once, within the render
 * budget, and each libvips thread keeps its own buffers and malloc arena). Process-wide, so it is
 * applied once, when the plugin is created.
 */
export function configureSharp(): void {
  sharp.cache(false);
  sharp.concurrency(1);
}

/** How an original is opened: refused beyond `maxPixels` before decoding, and refused when truncated. */
function openOriginal(bytes: Buffer, maxPixels: number): Sharp {
  return sharp(bytes, { animated: false, limitInputPixels: maxPixels, failOn: 'truncated' });
}

/**
 * Decodes a whole upload (shrunk on load where the format allows, so cheaply), proving that its
 * pixel data is all there: a header that promises 4000×4000 pixels followed by ten bytes of data,
 * or a JPEG cut in half, passes {@link detectImage} but not this. Resolves `false` when it fails.
 */
export async function decodesCompletely(bytes: Buffer, maxPixels: number): Promise<boolean> {
  try {
    await openOriginal(bytes, maxPixels).resize(256, 256, { fit: 'inside' }).raw().toBuffer();
    return true;
  } catch {
    return false;
  }
}

/**
 * The default renderer: orients by EXIF, resizes, optionally turns greyscale (one channel where the
 * format has one: PNG, JPEG), and encodes. Animated originals give their first frame. An original
 * beyond `maxPixels` (one stored before a lower limit) or truncated fails instead of being decoded.
 */
export function createSharpRenderer(maxPixels: number): VariantRenderer {
  return async (original, params) => {
    let pipeline = openOriginal(original, maxPixels).rotate();
    if (params.width !== null || params.height !== null) {
      pipeline = pipeline.resize({ width: params.width ?? undefined, height: params.height ?? undefined, fit: params.fit });
    }
    if (params.grey) pipeline = pipeline.greyscale().toColourspace('b-w');
    switch (params.format) {
      case 'webp':
        pipeline = pipeline.webp({ quality: params.quality });
        break;
      case 'avif':
        pipeline = pipeline.avif({ quality: params.quality, effort: AVIF_EFFORT });
        break;
      case 'jpeg':
        pipeline = pipeline.jpeg({ quality: params.quality, mozjpeg: true });
        break;
      case 'png':
        // Lossless: sharp's `quality` would switch PNG to a palette (and back to three channels).
        pipeline = pipeline.png();
        break;
    }
    return { bytes: await pipeline.toBuffer(), contentType: FORMAT_CONTENT_TYPES[params.format] };
  };
}

/** The default renderer with the default pixel limit (sharp's own, 16383×16383). */
export const renderVariant: VariantRenderer = createSharpRenderer(16383 * 16383);
