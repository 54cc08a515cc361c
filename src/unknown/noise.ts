// Known background noise is data: patterns/noise.yaml lists the ERROR and WARN lines healthy
// clusters log (label and regex each). `npm run build` stores the list, parsed and checked, in
// dist/noise.cache.json with the hash of the file's text, so that a scan reads it without the
// YAML parser; an edited file (hash differs) is parsed again.

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { yamlLib } from '../lazy.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The known-noise list shipped with the patterns. */
export const NOISE_FILE = resolve(here, '..', '..', 'patterns', 'noise.yaml');
/** Written by `npm run build` next to the compiled code. */
export const NOISE_CACHE_FILE = resolve(here, '..', 'noise.cache.json');

/** One entry of the noise list as written. */
export interface NoiseSpec {
  label: string;
  match: string;
  ignoreCase?: boolean;
}

/** One kind of known background noise. */
export interface Noise {
  label: string;
  re: RegExp;
}

function hashOf(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** Parses and checks the noise list's text; throws with the file and entry on a bad entry. */
export function parseNoise(text: string, file: string = NOISE_FILE): NoiseSpec[] {
  const data = yamlLib().parse(text) as unknown;
  if (!Array.isArray(data)) throw new Error(`${file}: expected a list of { label, match } entries`);
  return data.map((e: unknown, i) => {
    const entry = e as Partial<NoiseSpec> | null;
    if (!entry || typeof entry.label !== 'string' || typeof entry.match !== 'string') throw new Error(`${file}: entry ${i + 1}: needs a label and a match (strings)`);
    try {
      new RegExp(entry.match);
    } catch (err) {
      throw new Error(`${file}: entry ${i + 1} (${entry.label}): ${(err as Error).message}`);
    }
    return { label: entry.label, match: entry.match, ...(entry.ignoreCase ? { ignoreCase: true } : {}) };
  });
}

/** The cache `npm run build` writes: the parsed list and the hash of the text it came from. */
export function buildNoiseCache(file: string = NOISE_FILE): { hash: string; entries: NoiseSpec[] } {
  const text = readFileSync(file, 'utf8');
  return { hash: hashOf(text), entries: parseNoise(text, file) };
}

let loaded: Noise[] | null = null;

/** The known background noise (read once per process). */
export function knownNoise(): Noise[] {
  if (loaded) return loaded;
  const text = readFileSync(NOISE_FILE, 'utf8');
  let entries: NoiseSpec[] | null = null;
  try {
    if (existsSync(NOISE_CACHE_FILE)) {
      const cache = JSON.parse(readFileSync(NOISE_CACHE_FILE, 'utf8')) as { hash: string; entries: NoiseSpec[] };
      if (cache.hash === hashOf(text)) entries = cache.entries;
    }
  } catch {
    entries = null; // a damaged cache only costs the parse
  }
  entries ??= parseNoise(text);
  loaded = entries.map((e) => ({ label: e.label, re: new RegExp(e.match, e.ignoreCase ? 'i' : '') }));
  return loaded;
}

