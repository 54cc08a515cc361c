// Patterns are data: one YAML file per known failure, validated against patterns/schema.json,
// its regexes checked for catastrophic backtracking, compiled into a matcher over LogEvents.
// The literals each pattern needs feed the scanner's prefilter (scan/prefilter.ts).

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createRequire } from 'node:module';
import semver from 'semver';
import { ajvLib, yamlLib } from '../lazy.js';
import type { LogEvent, Severity } from '../model.js';
import { bestOf, literalsOfRegex, score, type LiteralSet } from './literals.js';
import { unwrap } from '../parse/normalise.js';

/** A condition as written in a pattern file. */
export type Condition =
  | { message: string }
  | { header: string }
  | { text: string }
  | { exception: string }
  | { frame: string }
  | { logger: string }
  | { level: string[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/** A pattern file's content. */
export interface PatternSpec {
  id: string;
  title: string;
  severity: Severity;
  area: string;
  flink?: string;
  literals?: string[];
  match?: Condition;
  /**
   * A finding made without `match`: a registered analysis that judges configuration alone
   * (correlate/analyses), or `job-unstable` (unknown/job-unstable.ts: a job that restarted, failed
   * or stopped checkpointing while no other finding explains it).
   */
  check?: string;
  role?: 'root' | 'consequence';
  /** false: the finding says what happened to a job (it failed, it stopped restarting), not why; the job-unstable check still looks for the cause. */
  explainsJob?: boolean;
  /** A standalone consequence after each occurrence of which a checkpoint of the job was triggered is informational. */
  transient?: 'until-next-checkpoint';
  /** Identity fields (job, checkpoint, task, host), `text`, or names of captured fields. */
  occurrenceKey?: string[];
  /** Registered analyses (correlate/analyses.ts) that add facts, configuration and values. */
  analysis?: string | string[];
  config?: string[];
  /** Pattern ids whose finding makes this one redundant (it is then not reported). */
  supersededBy?: string[];
  /** Captured groups that name an identity the correlator joins on. */
  identity?: Partial<Record<IdentityName, string | string[]>>;
  /** What this failure can cause, and what can cause it. */
  causes?: (CausalLinkSpec & { effect: string })[];
  causedBy?: (CausalLinkSpec & { cause: string })[];
  /** What to look for when no declared cause is in the input. */
  lookFor?: string;
  /** Impact sentences chosen by what the failure led to (the first whose `when` holds). */
  outcomes?: { when: { consequences?: string[]; checkpoints?: boolean }; impact: string }[];
  summary: string;
  cause: string;
  remediation: string;
  verify: string;
  references: string[];
}

/** The identities the correlator joins on. */
export const IDENTITY_NAMES = ['taskmanager', 'host', 'job', 'checkpoint', 'attempt', 'task'] as const;
export type IdentityName = (typeof IDENTITY_NAMES)[number];

/** One declared causal link, seen from either end. */
export interface CausalLinkSpec {
  /** Identities both sides must name, and name alike. */
  join?: IdentityName[];
  /** Identities that must be alike where both sides name them. */
  agree?: IdentityName[];
  /** Longest time from cause to effect, e.g. `5m`; without it only `join` decides. */
  within?: string;
}

/** Milliseconds of a duration written `500ms`, `90s`, `5m` or `1h`; null when malformed. */
export function durationMs(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h)$/.exec(text.trim());
  if (!m) return null;
  return +m[1]! * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

/** Result of a condition on an event: captured fields and the decisive line. */
export interface MatchResult {
  fields: Record<string, string>;
  line: number;
  text: string;
}

/** A loaded, compiled pattern. */
export interface Pattern extends PatternSpec {
  file: string;
  /** Literals for the prefilter, or null when the pattern must see every record. */
  prefilterLiterals: string[] | null;
  matches(event: LogEvent, flinkVersion: string | null): MatchResult | null;
}

/** An error in a pattern file, worded for the person who wrote it. */
export class PatternError extends Error {
  constructor(
    readonly file: string,
    readonly field: string,
    readonly reason: string,
    readonly hint: string,
  ) {
    super(`${file}: ${field}: ${reason}${hint ? ` (${hint})` : ''}`);
  }
}

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
  const matcher = spec.match ? compileCondition(spec.match, shown, 'match', untrusted) : () => null;
  const derived = hit ? hit.derived : spec.match ? deriveLiterals(spec.match) : [];
  const literals = spec.match ? (spec.literals ?? (derived && score(derived) >= 4 ? derived : null)) : [];
  const range = spec.flink ?? null;
  return {
    ...spec,
    file,
    prefilterLiterals: literals,
    matches(event, flinkVersion) {
      if (range && flinkVersion && !inRange(flinkVersion, range)) return null;
      return matcher(event);
    },
  };
}

/** True when a pattern applies to Flink `version` (always when the pattern names no versions or the version is unknown). */
export function appliesTo(p: Pick<Pattern, 'flink'>, version: string | null): boolean {
  return !p.flink || !version || inRange(version, p.flink);
}

function inRange(version: string, range: string): boolean {
  const v = semver.coerce(version);
  return !v || semver.satisfies(v, range);
}

type Matcher = (e: LogEvent) => MatchResult | null;

/** Longest text a pattern regex is run on: bounds the cost of any super-linear regex. */
const MAX_MATCH_TEXT = 64 * 1024;
/**
 * Longest text a user regex that backtracks in quadratic time (`foo.*bar`, `\d+ ms`: most
 * regexes with an unanchored repetition) is run on: about 16 million steps at worst, tens of
 * milliseconds, where 64 KiB would take seconds on an unlucky line.
 */
export const QUADRATIC_MAX_TEXT = 4 * 1024;
/** Regexes that may be run on at most `maxText` characters (a user regex with quadratic backtracking). */
type BoundedRegExp = RegExp & { maxText?: number };

/** Checks a regex for super-linear backtracking; returns the complexity found (and its degree when polynomial). */
export function redosCheck(src: string): { status: 'safe' | 'vulnerable' | 'unknown'; complexity: string | null; degree: number | null } {
  // Loaded on first use: the checker is large and only user-supplied patterns need it at run time.
  const { checkSync } = createRequire(import.meta.url)('recheck') as typeof import('recheck');
  const r = checkSync(src, '');
  const complexity = r.status === 'unknown' ? null : r.complexity.type;
  const degree = r.status !== 'unknown' && r.complexity.type === 'polynomial' ? r.complexity.degree : null;
  return { status: r.status, complexity, degree };
}

/**
 * A regex that runs only on texts holding one of the literals every match of it contains (see
 * literals.ts): most texts are turned away by a substring search, and a regex that is slow on
 * some text is run only where its own words are.
 */
interface GuardedRegex {
  exec(text: string): RegExpExecArray | null;
  /** The longest text it is run on (a user regex that backtracks in quadratic time). */
  maxText?: number;
}

function guarded(re: RegExp, src: string): GuardedRegex {
  const lits = literalsOfRegex(src);
  if (!lits || lits.length === 0 || lits.some((l) => l.length < 3)) return re;
  return {
    exec(text) {
      for (let i = 0; i < lits.length; i++) if (text.includes(lits[i]!)) return re.exec(text);
      return null;
    },
    // the text bound of a user regex that backtracks in quadratic time (cap) stays with it
    ...((re as BoundedRegExp).maxText !== undefined ? { maxText: (re as BoundedRegExp).maxText } : {}),
  };
}

function compileRegex(src: string, file: string, field: string, untrusted: boolean): RegExp {
  let re: RegExp;
  try {
    // Multi-line mode: messages that continue over several lines keep ^ and $ per line.
    re = new RegExp(src, 'm');
  } catch (e) {
    throw new PatternError(file, field, `invalid regular expression: ${(e as Error).message}`, 'patterns use JavaScript regex syntax');
  }
  if (untrusted) {
    const r = redosCheck(src);
    if (r.status === 'vulnerable' && r.complexity === 'exponential') {
      throw new PatternError(file, field, 'regular expression can backtrack catastrophically (exponential time)', 'avoid nested quantifiers such as (a+)+ or (a|a)*');
    }
    if (r.status === 'vulnerable' && r.degree !== null && r.degree >= 3) {
      throw new PatternError(
        file,
        field,
        `regular expression backtracks in polynomial time of degree ${r.degree}: one long line (20 KB) would take minutes`,
        'make repetitions that can match the same text exclusive ([^,]*, \\S+ instead of .*), bound them (.{0,200}), or anchor the regex',
      );
    }
    // Quadratic: most regexes with an unanchored repetition. Run on the first QUADRATIC_MAX_TEXT characters of a text only.
    if (r.status === 'vulnerable' && r.degree === 2) (re as BoundedRegExp).maxText = QUADRATIC_MAX_TEXT;
  }
  return re;
}

/** The part of `text` that `re` is run on (MAX_MATCH_TEXT, less for a user regex that backtracks in quadratic time). */
function cap(text: string, re: { maxText?: number }): string {
  const max = re.maxText ?? MAX_MATCH_TEXT;
  return text.length > max ? text.slice(0, max) : text;
}

function ok(m: RegExpExecArray, line: number, text: string): MatchResult {
  const fields: Record<string, string> = {};
  if (m.groups) for (const [k, v] of Object.entries(m.groups)) if (v !== undefined) fields[k] = v;
  return { fields, line, text };
}

function textAt(e: LogEvent, line: number): string {
  const i = e.lineNumbers.indexOf(line);
  return i >= 0 ? e.lines[i]! : e.lines[0] ?? '';
}

function compileCondition(c: Condition, file: string, path: string, untrusted: boolean): Matcher {
  if ('message' in c) {
    const re = guarded(compileRegex(c.message, file, `${path}.message`, untrusted), c.message);
    return (e) => {
      if (e.hasHeader || e.chain.length === 0) {
        const m = re.exec(cap(e.message, re)) ?? (e.message.includes('\n') ? re.exec(unwrap(cap(e.message, re))) : null);
        if (m) return ok(m, e.line, e.lines[0] ?? e.message);
      }
      for (const link of e.chain) {
        const m = re.exec(cap(link.message, re)) ?? (link.message.includes('\n') ? re.exec(unwrap(cap(link.message, re))) : null);
        if (m) return ok(m, link.line, textAt(e, link.line));
      }
      return null;
    };
  }
  if ('header' in c) {
    const re = guarded(compileRegex(c.header, file, `${path}.header`, untrusted), c.header);
    return (e) => {
      const m = e.hasHeader ? re.exec(cap(e.message, re)) : null;
      return m ? ok(m, e.line, e.lines[0] ?? '') : null;
    };
  }
  if ('text' in c) {
    const re = guarded(compileRegex(c.text, file, `${path}.text`, untrusted), c.text);
    return (e) => {
      for (let i = 0; i < e.lines.length; i++) {
        const t = e.lines[i]!;
        if (/^\s*at /.test(t)) continue;
        const m = re.exec(cap(t, re));
        if (m) return ok(m, e.lineNumbers[i]!, t);
      }
      return null;
    };
  }
  if ('exception' in c) {
    const re = compileRegex(c.exception, file, `${path}.exception`, untrusted);
    return (e) => {
      for (const link of e.chain) {
        const m = link.cls ? re.exec(link.cls) : null;
        if (m) return ok(m, link.line, textAt(e, link.line));
      }
      return null;
    };
  }
  if ('frame' in c) {
    const re = compileRegex(c.frame, file, `${path}.frame`, untrusted);
    return (e) => {
      for (const f of e.frames) {
        const m = re.exec(f);
        if (m) return ok(m, e.line, e.lines[0] ?? '');
      }
      return null;
    };
  }
  if ('logger' in c) {
    const re = compileRegex(c.logger, file, `${path}.logger`, untrusted);
    return (e) => {
      const m = e.logger ? re.exec(e.logger) : null;
      return m ? ok(m, e.line, e.lines[0] ?? '') : null;
    };
  }
  if ('level' in c) {
    const levels = new Set(c.level);
    return (e) => (e.level && levels.has(e.level) ? { fields: {}, line: e.line, text: e.lines[0] ?? '' } : null);
  }
  if ('all' in c) {
    const parts = c.all.map((x, i) => compileCondition(x, file, `${path}.all.${i}`, untrusted));
    const decisive = c.all.map((x) => !('not' in x) && !('level' in x) && !('logger' in x));
    return (e) => {
      let result: MatchResult | null = null;
      const fields: Record<string, string> = {};
      for (let i = 0; i < parts.length; i++) {
        const r = parts[i]!(e);
        if (!r) return null;
        Object.assign(fields, r.fields);
        if (!result && decisive[i]) result = r;
        if (!result && i === parts.length - 1) result = r;
      }
      return result ? { ...result, fields } : null;
    };
  }
  if ('any' in c) {
    const parts = c.any.map((x, i) => compileCondition(x, file, `${path}.any.${i}`, untrusted));
    return (e) => {
      for (const p of parts) {
        const r = p(e);
        if (r) return r;
      }
      return null;
    };
  }
  const inner = compileCondition(c.not, file, `${path}.not`, untrusted);
  return (e) => (inner(e) ? null : { fields: {}, line: e.line, text: e.lines[0] ?? '' });
}

/** Literal set for a condition (null when none can be derived). */
export function deriveLiterals(c: Condition): LiteralSet {
  if ('message' in c) return literalsOfRegex(c.message);
  if ('header' in c) return literalsOfRegex(c.header);
  if ('text' in c) return literalsOfRegex(c.text);
  if ('exception' in c) return literalsOfRegex(c.exception);
  if ('frame' in c) return literalsOfRegex(c.frame);
  if ('all' in c) return bestOf(c.all.map(deriveLiterals));
  if ('any' in c) {
    const sets = c.any.map(deriveLiterals);
    if (sets.some((s) => s === null || s.length === 0)) return null;
    return [...new Set(sets.flatMap((s) => s!))];
  }
  return null;
}

/**
 * Fills `{name}` placeholders from values; `{name|fallback}` uses the fallback when the value is
 * missing; unknown names without a fallback stay visible as `{name}`.
 */
export function fillTemplate(text: string, values: Record<string, string | undefined>): string {
  return text.replace(/\{([a-zA-Z][\w.]*)(?:\|([^{}]*))?\}/g, (all, k: string, fallback: string | undefined) => {
    const v = values[k];
    if (v !== undefined && v !== '') return v;
    return fallback ?? all;
  });
}
