// Patterns are data: one YAML file per known failure. Loading a pattern: finding the files,
// reading and parsing the YAML, validating it against patterns/schema.json and the rules the
// schema cannot say (id = file name, a valid version range), every error naming the file and the
// field; the built-in files come from a cache built at `npm run build`. Compiling is in
// pattern-compile.ts; what a pattern is, in pattern-spec.ts (re-exported here, the module
// callers load patterns from).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import semver from 'semver';
import { ajvLib, yamlLib } from '../lazy.js';
import type { LiteralSet } from './literals.js';
import { compilePattern, deriveLiterals, setBuiltinRegexes } from './pattern-compile.js';
import { patternRegexes, PatternError, type Pattern, type PatternSpec } from './pattern-spec.js';

export { appliesTo, durationMs, fillTemplate, IDENTITY_NAMES, PatternError } from './pattern-spec.js';
export type { CausalLinkSpec, Condition, IdentityName, MatchResult, Pattern, PatternSpec } from './pattern-spec.js';

const here = dirname(fileURLToPath(import.meta.url));
/** The patterns shipped with flink-doctor. */
export const BUILTIN_PATTERN_DIR = resolve(here, '..', '..', 'patterns');
const SCHEMA_FILE = join(BUILTIN_PATTERN_DIR, 'schema.json');
/** Written by `npm run build` (scripts/pattern-cache.mjs) next to the compiled code. */
export const PATTERN_CACHE_FILE = resolve(here, '..', 'patterns.cache.json');

let validator: ValidateFunction | null = null;
function validate(data: unknown): ErrorObject[] {
  if (!validator) {
    const { Ajv } = ajvLib();
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));
  }
  return validator(data) ? [] : (validator.errors ?? []);
}

/**
 * The built-in pattern files, already parsed and validated, keyed by path below the built-in
 * directory. An entry is used only while its hash matches the file's text and the schema's.
 */
export interface PatternCache {
  files: Record<string, { hash: string; spec: PatternSpec; derived: LiteralSet }>;
}

function textHash(text: string): string {
  return createHash('sha1').update(text).update('\0').update(schemaText()).digest('hex');
}

let schemaCache: string | null = null;
function schemaText(): string {
  return (schemaCache ??= readFileSync(SCHEMA_FILE, 'utf8'));
}

let builtinCache: PatternCache | null | undefined;
function readBuiltinCache(): PatternCache | null {
  if (builtinCache !== undefined) return builtinCache;
  try {
    builtinCache = existsSync(PATTERN_CACHE_FILE) ? (JSON.parse(readFileSync(PATTERN_CACHE_FILE, 'utf8')) as PatternCache) : null;
  } catch {
    builtinCache = null; // a damaged cache only costs time: every file is parsed again
  }
  return builtinCache;
}

let builtinRegexSet: Set<string> | null = null;
/** The regexes of the built-in patterns: from the cache, else from their files (read once, on a user pattern's first regex). */
function builtinRegexSources(): ReadonlySet<string> {
  if (builtinRegexSet) return builtinRegexSet;
  const set = new Set<string>();
  let cache = readBuiltinCache();
  if (!cache) {
    try {
      cache = buildPatternCache();
    } catch {
      cache = null; // a broken built-in file is reported where the built-in patterns load
    }
  }
  if (cache) for (const f of Object.values(cache.files)) for (const re of patternRegexes(f.spec)) set.add(re);
  return (builtinRegexSet = set);
}

setBuiltinRegexes(builtinRegexSources);

/** Parses and validates every built-in pattern file into a cache (see PatternCache). */
export function buildPatternCache(dir: string = BUILTIN_PATTERN_DIR): PatternCache {
  const files: PatternCache['files'] = {};
  for (const file of patternFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    const spec = parseSpec(text, relative(process.cwd(), file) || file);
    files[relative(dir, file)] = { hash: textHash(text), spec, derived: spec.match ? deriveLiterals(spec.match) : [] };
  }
  return { files };
}

/** The `*.yaml` / `*.yml` files below `dir`, sorted. */
function patternFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name.startsWith('.')) continue;
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      // noise.yaml beside the built-in patterns is the known-noise list (unknown/noise.ts), not a pattern.
      else if (/\.ya?ml$/.test(e.name) && !(e.name === 'noise.yaml' && resolve(d) === BUILTIN_PATTERN_DIR)) out.push(p);
    }
  };
  walk(resolve(dir));
  return out.sort();
}

/**
 * Loads every `*.yaml` pattern below the given directories; later directories override by id.
 * Regexes from directories other than the built-in one are untrusted and checked for ReDoS.
 */
export function loadPatterns(dirs: string[] = [BUILTIN_PATTERN_DIR]): Pattern[] {
  const byId = new Map<string, Pattern>();
  for (const dir of dirs) {
    const untrusted = resolve(dir) !== BUILTIN_PATTERN_DIR;
    const cache = untrusted ? null : readBuiltinCache();
    for (const file of patternFiles(dir)) {
      const p = loadPatternFile(file, { untrusted, ...(cache ? { cache, cacheKey: relative(BUILTIN_PATTERN_DIR, file) } : {}) });
      byId.set(p.id, p);
    }
  }
  // Ids are lower-case ASCII (the schema says so): code-unit order needs no collator.
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Parses a pattern file's text and validates it against the schema. */
function parseSpec(text: string, shown: string): PatternSpec {
  let data: unknown;
  try {
    data = yamlLib().parse(text);
  } catch (e) {
    throw new PatternError(shown, '(file)', (e as Error).message.split('\n')[0]!, 'check the YAML syntax');
  }
  const errors = validate(data);
  if (errors.length > 0) {
    const e = errors[0]!;
    const field = e.instancePath ? e.instancePath.slice(1).replace(/\//g, '.') : '(top level)';
    const extra = e.params && 'additionalProperty' in e.params ? ` '${String(e.params.additionalProperty)}'` : '';
    throw new PatternError(shown, field, `${e.message ?? 'invalid'}${extra}`, 'see patterns/schema.json');
  }
  return data as PatternSpec;
}

/**
 * Loads and compiles one pattern file; throws PatternError on any problem. With `cache`, a file
 * whose text is unchanged since the cache was built is not parsed and validated again.
 */
export function loadPatternFile(file: string, opts: { untrusted?: boolean; cache?: PatternCache; cacheKey?: string } = {}): Pattern {
  const shown = relative(process.cwd(), file) || file;
  const untrusted = opts.untrusted ?? true;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new PatternError(shown, '(file)', (e as Error).message, 'check that the file can be read');
  }
  const cached = opts.cache && opts.cacheKey !== undefined ? opts.cache.files[opts.cacheKey] : undefined;
  const hit = cached && cached.hash === textHash(text) ? cached : null;
  const spec = hit ? hit.spec : parseSpec(text, shown);
  const expectedId = basename(file).replace(/\.ya?ml$/, '');
  if (spec.id !== expectedId) {
    throw new PatternError(shown, 'id', `'${spec.id}' differs from the file name`, `rename the file to ${spec.id}.yaml or change the id`);
  }
  if (spec.flink && !semver.validRange(spec.flink)) {
    throw new PatternError(shown, 'flink', `'${spec.flink}' is not a version range`, "use a range such as '>=1.11 <2.0'");
  }
  return compilePattern(spec, file, shown, untrusted, hit ? hit.derived : undefined);
}
