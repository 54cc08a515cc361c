// The package version, read once from package.json so --version and reports agree.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// One level up from this module (dist/version.js, src/version.ts), or two from the start-up bundle
// (dist/cli/bundle.js).
const here = dirname(fileURLToPath(import.meta.url));
const file = [resolve(here, '..', 'package.json'), resolve(here, '..', '..', 'package.json')].find((f) => existsSync(f) && /"name": "flink-doctor"/.test(readFileSync(f, 'utf8')))!;
const pkg = JSON.parse(readFileSync(file, 'utf8')) as { version: string };

/** flink-doctor's version. */
export const VERSION: string = pkg.version;
