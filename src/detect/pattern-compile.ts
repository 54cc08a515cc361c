// Compiling a pattern: its conditions into a matcher over LogEvents (regexes checked for
// catastrophic backtracking when they come from the user, guarded by their literals, bounded in
// the text they run on), and the literals each pattern needs for the scanner's prefilter
// (scan/prefilter.ts). Loading (YAML, schema, files) is in pattern.ts.

import { createRequire } from 'node:module';
import type { LogEvent } from '../model.js';
import { bestOf, literalsOfRegex, score, type LiteralSet } from './literals.js';
import { unwrap } from '../parse/normalise.js';
import { inRange, PatternError, RESOLUTION_SUFFIX, type Condition, type MatchResult, type Pattern, type PatternSpec } from './pattern-spec.js';

/**
 * The pattern `spec` read from `file` (`shown` as messages name it), compiled. `untrusted`: its
 * regexes come from the user and are checked for catastrophic backtracking. `derived`: its
 * literals, already derived (a cache); derived here otherwise.
 */
export function compilePattern(spec: PatternSpec, file: string, shown: string, untrusted: boolean, derived?: LiteralSet): Pattern {
  const matcher = spec.match ? compileCondition(spec.match, shown, 'match', untrusted) : () => null;
  const literalSet = derived !== undefined ? derived : spec.match ? deriveLiterals(spec.match) : [];
  const literals = spec.match ? (spec.literals ?? (literalSet && score(literalSet) >= 4 ? literalSet : null)) : [];
  const range = spec.flink ?? null;
  const pattern: Pattern = {
    ...spec,
    file,
    prefilterLiterals: literals,
    matches(event, flinkVersion) {
      if (range && flinkVersion && !inRange(flinkVersion, range)) return null;
      return matcher(event);
    },
  };
  if (spec.resolvedBy) {
    const r = spec.resolvedBy;
    const resolved = compileCondition(r.match, shown, 'resolvedBy.match', untrusted);
    const derivedR = deriveLiterals(r.match);
    pattern.resolution = {
      id: spec.id + RESOLUTION_SUFFIX,
      title: `${spec.title} (recovered)`,
      severity: 'info',
      area: spec.area,
      summary: '',
      cause: '',
      remediation: '',
      verify: '',
      references: [],
      match: r.match,
      file,
      prefilterLiterals: r.literals ?? (derivedR && score(derivedR) >= 4 ? derivedR : null),
      matches: resolved,
    };
  }
  return pattern;
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

/**
 * The regexes of the built-in patterns (set by pattern.ts): a user pattern that reuses one as it is
 * (a copy of a built-in pattern, changed in its texts) gets it as the built-in patterns do, checked
 * once with them (redos-verdict.ts) and run on at most MAX_MATCH_TEXT characters.
 */
let builtinRegexes: () => ReadonlySet<string> = () => new Set();

export function setBuiltinRegexes(source: () => ReadonlySet<string>): void {
  builtinRegexes = source;
}

function compileRegex(src: string, file: string, field: string, untrusted: boolean): RegExp {
  let re: RegExp;
  try {
    // Multi-line mode: messages that continue over several lines keep ^ and $ per line.
    re = new RegExp(src, 'm');
  } catch (e) {
    throw new PatternError(file, field, `invalid regular expression: ${(e as Error).message}`, 'patterns use JavaScript regex syntax');
  }
  if (untrusted && !builtinRegexes().has(src)) {
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

/** The names of a regex's named groups, in the order of its matches' groups: read from its first match. */
interface GroupNames {
  names: string[] | null;
}

/**
 * A match as a result: the named groups that took part in it as fields. A regex's groups are the
 * same names in the same order on every match, so they are listed once (`g`), not enumerated on
 * each match (the groups object is a dictionary, slow to walk).
 */
function ok(m: RegExpExecArray, line: number, text: string, g: GroupNames): MatchResult {
  const fields: Record<string, string> = {};
  const groups = m.groups;
  if (groups !== undefined) {
    const names = (g.names ??= Object.keys(groups));
    for (let i = 0; i < names.length; i++) {
      const v = groups[names[i]!];
      if (v !== undefined) fields[names[i]!] = v;
    }
  }
  return { fields, line, text };
}

function textAt(e: LogEvent, line: number): string {
  const i = e.lineNumbers.indexOf(line);
  return i >= 0 ? e.lines[i]! : e.lines[0] ?? '';
}

function compileCondition(c: Condition, file: string, path: string, untrusted: boolean): Matcher {
  if ('message' in c) {
    const re = guarded(compileRegex(c.message, file, `${path}.message`, untrusted), c.message);
    const g: GroupNames = { names: null };
    return (e) => {
      if (e.hasHeader || e.chain.length === 0) {
        const m = re.exec(cap(e.message, re)) ?? (e.message.includes('\n') ? re.exec(unwrap(cap(e.message, re))) : null);
        if (m) return ok(m, e.line, e.lines[0] ?? e.message, g);
      }
      for (const link of e.chain) {
        const m = re.exec(cap(link.message, re)) ?? (link.message.includes('\n') ? re.exec(unwrap(cap(link.message, re))) : null);
        if (m) return ok(m, link.line, textAt(e, link.line), g);
      }
      return null;
    };
  }
  if ('header' in c) {
    const re = guarded(compileRegex(c.header, file, `${path}.header`, untrusted), c.header);
    const g: GroupNames = { names: null };
    return (e) => {
      const m = e.hasHeader ? re.exec(cap(e.message, re)) : null;
      return m ? ok(m, e.line, e.lines[0] ?? '', g) : null;
    };
  }
  if ('text' in c) {
    const re = guarded(compileRegex(c.text, file, `${path}.text`, untrusted), c.text);
    const g: GroupNames = { names: null };
    return (e) => {
      for (let i = 0; i < e.lines.length; i++) {
        const t = e.lines[i]!;
        if (/^\s*at /.test(t)) continue;
        const m = re.exec(cap(t, re));
        if (m) return ok(m, e.lineNumbers[i]!, t, g);
      }
      return null;
    };
  }
  if ('exception' in c) {
    const re = compileRegex(c.exception, file, `${path}.exception`, untrusted);
    const g: GroupNames = { names: null };
    return (e) => {
      for (const link of e.chain) {
        const m = link.cls ? re.exec(link.cls) : null;
        if (m) return ok(m, link.line, textAt(e, link.line), g);
      }
      return null;
    };
  }
  if ('frame' in c) {
    const re = compileRegex(c.frame, file, `${path}.frame`, untrusted);
    const g: GroupNames = { names: null };
    return (e) => {
      for (const f of e.frames) {
        const m = re.exec(f);
        if (m) return ok(m, e.line, e.lines[0] ?? '', g);
      }
      return null;
    };
  }
  if ('logger' in c) {
    const re = compileRegex(c.logger, file, `${path}.logger`, untrusted);
    const g: GroupNames = { names: null };
    return (e) => {
      const m = e.logger ? re.exec(e.logger) : null;
      return m ? ok(m, e.line, e.lines[0] ?? '', g) : null;
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
