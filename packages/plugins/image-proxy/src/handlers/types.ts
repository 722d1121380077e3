import type { ImageProxyOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { ImageProxyDatabase } from '../database.js';
import type { ImageProxyEvents } from '../generated/manifest.js';

/** The image-proxy service's handler map, checked against its spec. */
export type ImageProxyHandlers = Handlers<ImageProxyOperations, ImageProxyDatabase, ImageProxyEvents>;
