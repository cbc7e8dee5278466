import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { makeTempFolder } from './run-folder.js';
import { requireTool } from './tools.js';

export interface Browser {
  /** A new tab; closed with the browser. */
  page(): Promise<Page>;
  close(): Promise<void>;
}

/**
 * One headless Chromium (Debian's, which .ci/run installs; playwright-core drives it without a
 * browser download) for a test file (start it in before(), close it in after()): a fresh,
 * empty profile in the run folder (its config folder too), and nothing that reaches the network
 * on its own.
 */
export async function startChromium(ctx: Mocha.Context): Promise<Browser> {
  const executablePath = requireTool(ctx, 'chromium', 'apt-get install chromium');
  const profile = await makeTempFolder('chromium');
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    // Chromium's crash reporter makes its folder under XDG_CONFIG_HOME whatever the profile is, and
    // a profile that is XDG_CONFIG_HOME has its disk cache in XDG_CACHE_HOME.
    env: { ...process.env, XDG_CONFIG_HOME: profile, XDG_CACHE_HOME: profile },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    page: () => context.newPage(),
    close: () => context.close(),
  };
}
