import { existsSync } from 'node:fs';
import { type BrowserContext, chromium } from 'playwright-core';
import { tempDir } from './helpers.js';

// Debian's Chromium, headless; no browser is downloaded. Without /usr/bin/chromium (`apt-get install
// chromium`, as .ci/run does) the browser tests skip.

/** The Chromium the browser tests drive (`TOKOBAPAK_CHROMIUM` picks another). */
export const CHROMIUM = process.env.TOKOBAPAK_CHROMIUM ?? '/usr/bin/chromium';

/** Whether {@link CHROMIUM} is installed. */
export const haveChromium = existsSync(CHROMIUM);

/** Headless Chromium with a throwaway profile; `close()` ends it and removes the profile. */
export async function launchChromium(): Promise<{ browser: BrowserContext; close(): Promise<void> }> {
  const profile = await tempDir('tokobapak-chromium-');
  const browser = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    async close() {
      await browser.close();
      await profile.cleanup();
    },
  };
}
