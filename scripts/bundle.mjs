// Writes dist/cli/bundle.js, the command line and everything it loads at start-up in one file,
// which the bin runs, and dist/run/worker.bundle.js, what a scan worker thread runs. Loading one
// module instead of some sixty (with commander, chalk and semver) takes a third less start-up
// time. The libraries loaded only when needed (the YAML parser, the schema validator, archive
// readers, the ReDoS checker) stay outside. Each bundle sits at the same depth below dist/ as the
// modules it replaces, so the paths they compute from their own location (patterns/,
// dist/patterns.cache.json, package.json, the worker script) hold in it too.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['yaml', 'ajv', 'tar-stream', 'yauzl', 'fast-glob', 'recheck', 'kafkajs'],
  // Bundled CommonJS packages (commander, semver) require Node's own modules.
  banner: { js: "import { createRequire as bundleRequire } from 'node:module';\nconst require = bundleRequire(import.meta.url);" },
};

await build({ ...common, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli/bundle.js' });
await build({ ...common, entryPoints: ['src/run/worker.ts'], outfile: 'dist/run/worker.bundle.js' });
