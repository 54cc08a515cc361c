// What a pattern is: the content of a pattern file (PatternSpec), the loaded and compiled
// pattern (Pattern), the error a bad file gives (PatternError, naming file and field), and the
// small helpers that read a pattern's values (durations, version ranges, text templates).
// Loading is in pattern.ts, compiling in pattern-compile.ts.

import semver from 'semver';
import type { LogEvent, Severity } from '../model.js';

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
   * (correlate/analyses), or `job-unstable` (correlate/job-unstable.ts: a job that restarted, failed
   * or stopped checkpointing while no other finding explains it).
   */
  check?: string;
  role?: 'root' | 'consequence';
  /** false: the finding says what happened to a job (it failed, it stopped restarting), not why; the job-unstable check still looks for the cause. */
  explainsJob?: boolean;
  /** What the checkpoints its lines name went through: failed (the default), completed (a warning logged once a checkpoint completed), or subsumed (dropped for a newer one). */
  namedCheckpoints?: 'failed' | 'completed' | 'subsumed';
  /** A standalone consequence after each occurrence of which a checkpoint of the job was triggered is informational. */
  transient?: 'until-next-checkpoint';
  /**
   * A later line of the same log that shows the condition recovered (a session re-established, a
   * registration that succeeded): when every occurrence is followed by one within `within`, the
   * finding is informational.
   */
  resolvedBy?: { match: Condition; literals?: string[]; within?: string };
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
  /**
   * The lines of `resolvedBy`, compiled as a pattern of their own (id RESOLUTION_SUFFIX after the
   * pattern's): detection reads them like any pattern, correlation only as the recovery of this one.
   */
  resolution?: Pattern;
}

/** The id of a pattern's resolution (its `resolvedBy` lines) is the pattern's id and this. */
export const RESOLUTION_SUFFIX = '#resolved';

/** The patterns and the resolutions they declare: what detection reads. */
export function withResolutions(patterns: Pattern[]): Pattern[] {
  return patterns.some((p) => p.resolution) ? [...patterns, ...patterns.flatMap((p) => (p.resolution ? [p.resolution] : []))] : patterns;
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


/** True when a pattern applies to Flink `version` (always when the pattern names no versions or the version is unknown). */
export function appliesTo(p: Pick<Pattern, 'flink'>, version: string | null): boolean {
  return !p.flink || !version || inRange(version, p.flink);
}

/** True when Flink `version` is in `range` (always when the version does not parse). */
export function inRange(version: string, range: string): boolean {
  const v = semver.coerce(version);
  return !v || semver.satisfies(v, range);
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

/** The texts of a pattern that are filled from its finding's values. */
export const PATTERN_TEXT_FIELDS = ['title', 'summary', 'cause', 'remediation', 'verify', 'lookFor'] as const;

/** Built-in values that are empty when the logs name none: a placeholder of one needs a fallback. */
const MAYBE_EMPTY_VALUES = new Set(['jobs', 'tasks', 'hosts', 'firstSeen']);

/**
 * What fillTemplate would print wrong in a text: a placeholder of a value that may be empty
 * without a fallback (it would print as `{jobs}`), or a placeholder inside a fallback (the
 * placeholder grammar has no nesting; the whole would print as written).
 */
export function templateProblems(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(/\{([a-zA-Z][\w.]*)\}/g)) {
    if (MAYBE_EMPTY_VALUES.has(m[1]!)) problems.push(`{${m[1]}} is empty when the logs do not give it: give it a fallback ({${m[1]}|…})`);
  }
  for (const m of text.matchAll(/\{([a-zA-Z][\w.]*)\|[^{}]*\{/g)) problems.push(`{${m[1]}|…} holds a placeholder in its fallback, which is printed as written`);
  return problems;
}

/** Every regex of a pattern: its match and the lines that show it recovered. */
export function patternRegexes(p: Pick<PatternSpec, 'match' | 'resolvedBy'>): string[] {
  return [...conditionRegexes(p.match), ...conditionRegexes(p.resolvedBy?.match)];
}

/** Every regex of a condition. */

export function conditionRegexes(c: Condition | undefined): string[] {
  if (!c) return [];
  if ('all' in c) return c.all.flatMap(conditionRegexes);
  if ('any' in c) return c.any.flatMap(conditionRegexes);
  if ('not' in c) return conditionRegexes(c.not);
  if ('level' in c) return [];
  return Object.values(c) as string[];
}
