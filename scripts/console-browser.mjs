// What scripts/console-load.mjs and scripts/screenshots.mjs share: Debian's headless Chromium,
// and waiting for a line from mqt serve.
import { chromium } from 'playwright-core';

/** A fresh Chromium profile in `profile`, nothing reaching the network on its own. */
export function launchChromium(profile, options = {}) {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    ...options,
  });
}

/** Resolves once `child` printed something matching `re` on stdout; rejects if it exits first. */
export function printed(child, re) {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      if (re.test(seen)) resolve();
    });
    child.once('exit', () => reject(new Error(`exited before printing ${re}: ${seen}`)));
  });
}
