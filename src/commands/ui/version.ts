import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Our name on npm (package.json's name); the command it installs is `mqt`. */
export const PACKAGE_NAME = 'mqt-cli';

/** The version from our package.json, found by walking up from the running script (bin/mqt.cjs). */
export function packageVersion(): string {
  let dir = dirname(realpathSync(process.argv[1] ?? '.'));
  for (let i = 0; i < 8; i++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === PACKAGE_NAME && pkg.version !== undefined) return pkg.version;
    } catch {
      // Not here: keep walking up.
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
