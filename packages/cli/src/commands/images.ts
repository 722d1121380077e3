import type { Command } from 'commander';
import type { CliContext } from '../services/cli-context.js';
import { uploadImage } from '../services/merchant-actions.js';
import { resolveJson } from '../services/settings.js';
import { type ConnectionFlags, resolveConnection } from '../services/store-connection.js';
import { imagePresentation } from '../ui/account-presentations.js';
import { outputMode, present, withSpinner } from '../ui/output.js';
import { withConnection } from './connection.js';

/** `tokobapak images upload`: an image into the store, for products and banners. */
export function registerImagesCommand(program: Command, context: CliContext): void {
  const images = program.command('images').description('upload images into your store (signed in with `tokobapak login`, or with a store API key)');
  withConnection(images.command('upload').description('upload a JPEG, PNG, WebP, AVIF or GIF file').argument('<file>', 'the image file'), {
    store: true,
  }).action(async (file: string, flags: ConnectionFlags & { json?: boolean }) => {
    const mode = outputMode(resolveJson(flags.json, context.env), context.stdout, context.env);
    const image = await withSpinner(mode, context.stdout, `Uploading ${file}`, () => uploadImage(resolveConnection(flags, context.env), file));
    present(mode, context.stdout, imagePresentation(image));
  });
}
