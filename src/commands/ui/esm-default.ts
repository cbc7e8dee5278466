/**
 * The default export of an ES-module package loaded with `await import()`. The command bundles
 * turn that import into require(), whose result esbuild's interop wraps once more as `default`;
 * the tests import the package natively, where `default` is the export itself.
 */
export function defaultExport<T>(module: { readonly default: T }): T {
  const loaded: unknown = module.default;
  return (typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : loaded) as T;
}
