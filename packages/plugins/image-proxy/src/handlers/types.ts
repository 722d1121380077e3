import type { ImageProxyOperations } from '@tokobapak/sdk';
import type { Handlers } from '@tokobapak/server';
import type { ImageProxyDatabase } from '../database.js';

/** The image-proxy service's handler map, checked against its spec. */
export type ImageProxyHandlers = Handlers<ImageProxyOperations, ImageProxyDatabase>;
