// The package version, read once from package.json so --version and reports agree.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// One level up from this module (dist/version.js, src/version.ts), or two from the start-up bundle
// (dist/cli/bundle.js).
const here = dirname(fileURLToPath(import.meta.url));
const pkg = [resolve(here, '..', 'package.json'), resolve(here, '..', '..', 'package.json')]
  .filter((f) => existsSync(f))
  .map((f) => JSON.parse(readFileSync(f, 'utf8')) as { name?: string; version: string })
  .find((p) => p.name === 'flink-doctor')!;

/** flink-doctor's version. */
export const VERSION: string = pkg.version;
