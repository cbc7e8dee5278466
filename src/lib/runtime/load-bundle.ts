import { readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { makeFolders } from '../fs/make-folders.js';

export interface LoadedBundle<T> {
  readonly exports: T;
  /** Stores V8's compiled code for the next start, when there was none or it no longer fit. */
  saveCompileCache(): void;
}

/**
 * Loads a CommonJS bundle with V8's code cache. Node 20 has no module compile cache (22 does),
 * and compiling the command bundle is a large part of `mqt pub`'s start-up: with the cache,
 * saved after a run so it holds every function that run compiled, a start costs about what a
 * bare `net.connect` script costs. The cache lives in a directory of the user's own (0700):
 * V8 trusts what it reads there. Any failure to read or write it just means compiling again.
 */
export function loadBundle<T>(file: string, cacheDir: CompileCacheDir | undefined, links: Readonly<Record<string, string>> = {}): LoadedBundle<T> {
  const source = readFileSync(file, 'utf8');
  const cacheFile = cacheDir === undefined ? undefined : cacheFileFor(file, cacheDir.path);
  let cachedData: Buffer | undefined;
  if (cacheFile !== undefined) {
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
  }
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData === undefined ? {} : { cachedData }),
  });
  const wrapper = script.runInThisContext() as (
    exports: object,
    require: NodeJS.Require,
    module: { exports: object },
    filename: string,
    dirname: string,
  ) => void;
  const module = { exports: {} };
  const linked = new Map<string, LoadedBundle<unknown>>();
  wrapper(module.exports, linkingRequire(createRequire(file), links, linked, cacheDir), module, file, dirname(file));
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  return {
    exports: module.exports as T,
    saveCompileCache: () => {
      for (const bundle of linked.values()) bundle.saveCompileCache();
      if (cacheDir === undefined || cacheFile === undefined || !stale) return;
      try {
        // Never a missing home: a daemon user's /nonexistent stays missing and the cache stays off.
        makeFolders(cacheDir.path, { mode: 0o700, top: cacheDir.home });
        const temp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(temp, script.createCachedData(), { mode: 0o600 });
        renameSync(temp, cacheFile);
        removeOlderCaches(cacheFile);
      } catch {
        // A read-only or full disk only costs the next start some milliseconds.
      }
    },
  };
}

/**
 * The bundle's `require`, except that the specifiers of `links` load those other bundles (once,
 * with their own code cache): a part a command needs only now and then, such as its --help, is
 * built as a bundle of its own and left out of the command's, which then starts faster.
 */
function linkingRequire(base: NodeJS.Require, links: Readonly<Record<string, string>>, linked: Map<string, LoadedBundle<unknown>>, cacheDir: CompileCacheDir | undefined): NodeJS.Require {
  if (Object.keys(links).length === 0) return base;
  const load = (id: string): unknown => {
    const target = links[id];
    if (target === undefined) return base(id);
    let bundle = linked.get(target);
    if (bundle === undefined) {
      bundle = loadBundle<unknown>(target, cacheDir);
      linked.set(target, bundle);
    }
    return bundle.exports;
  };
  return Object.assign(load, { resolve: base.resolve, cache: base.cache, main: base.main }) as NodeJS.Require;
}

/** Caches of earlier builds of the same bundle can never be read again. */
function removeOlderCaches(current: string): void {
  const dir = dirname(current);
  const prefix = `${basename(current).split('-v')[0]}-v`;
  for (const name of readdirSync(dir)) {
    if (name.startsWith(prefix) && join(dir, name) !== current) rmSync(join(dir, name), { force: true });
  }
}

/** One cache file per bundle build and Node version: a new build or Node never reads an old one. */
function cacheFileFor(file: string, cacheDir: string): string | undefined {
  try {
    const { size, mtimeMs } = statSync(file);
    return join(cacheDir, `${basename(file)}-${process.version}-${process.arch}-${size}-${Math.floor(mtimeMs)}.bin`);
  } catch {
    return undefined;
  }
}

/** Where the compile cache lives: `path`, made of folders created below `home`, which must exist. */
export interface CompileCacheDir {
  readonly home: string;
  readonly path: string;
}

/** $XDG_CACHE_HOME/mqt or ~/.cache/mqt; none when MQT_NO_COMPILE_CACHE is set or there is no home. */
export function compileCacheDir(env: NodeJS.ProcessEnv): CompileCacheDir | undefined {
  if ((env.MQT_NO_COMPILE_CACHE ?? '') !== '') return undefined;
  const xdg = env.XDG_CACHE_HOME ?? '';
  if (xdg !== '') return { home: xdg, path: join(xdg, 'mqt') };
  const home = env.HOME ?? '';
  return home === '' ? undefined : { home, path: join(home, '.cache', 'mqt') };
}
