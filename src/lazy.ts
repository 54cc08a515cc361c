// Larger dependencies, loaded on first use: a plain scan of log files never needs a YAML parser,
// the schema validator, archive readers or a glob matcher, and starts faster without them.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cache = new Map<string, unknown>();

function load<T>(name: string): T {
  let m = cache.get(name);
  if (m === undefined) cache.set(name, (m = require(name)));
  return m as T;
}

export const yamlLib = (): typeof import('yaml') => load('yaml');
export const ajvLib = (): typeof import('ajv') => load('ajv');
export const tarLib = (): typeof import('tar-stream') => load('tar-stream');
export const yauzlLib = (): typeof import('yauzl') => load('yauzl');
export const globLib = (): typeof import('fast-glob') => load('fast-glob');
