// Pieces shared by the reporters: finding order, times, sizes and durations in words, the count
// line of a finding, short names for paths, and the sentence when nothing was found. The
// environment header is in environment.ts, the unknown-failure section in unknown-section.ts,
// text shaping in prose.ts, the checkpoint timeline in timeline.ts; redaction happens before any
// of this.

import { severityRank, type Diagnosis, type Finding } from '../model.js';

/** Findings by severity (most severe first), then by first occurrence: the earlier failure is the likelier cause. */
export function orderedFindings(list: Finding[]): Finding[] {
  return list
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || cmpTime(a.f.firstSeen, b.f.firstSeen) || a.i - b.i)
    .map((x) => x.f);
}

function cmpTime(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (isoMs(a) ?? 0) - (isoMs(b) ?? 0);
}

/** Milliseconds of an ISO-8601 time as written in the log (no zone: read as UTC, like the scanner). */
export function isoMs(t: string | null | undefined): number | null {
  if (!t) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : t + 'Z');
  return Number.isNaN(ms) ? null : ms;
}

/** Human-readable byte size. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

/** Human-readable duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  // Rounded to the last unit shown first, so that 59.6 s is "1 min 0 s", not "0 min 60 s".
  if (ms < 9_950) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  const min = Math.round(ms / 60_000);
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** `occurrences` and `events` in words. */
export function countLine(f: Finding): string {
  const occ = `${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}`;
  const ev = f.events > 0 ? ` in ${f.events} log event${f.events === 1 ? '' : 's'}` : '';
  const when = f.firstSeen ? (f.lastSeen && f.lastSeen !== f.firstSeen ? `, ${f.firstSeen} → ${f.lastSeen}` : `, at ${f.firstSeen}`) : '';
  return `${occ}${ev}${when}`;
}

/**
 * Short names for a list of paths: relative to their common directory (the full path stays on
 * evidence lines). Returns the prefix removed ('' when there is none worth removing).
 */
export function shortPaths(names: string[]): { prefix: string; short: (name: string) => string } {
  const paths = [...new Set(names.filter((n) => n.includes('/') || n.includes('\\')))];
  if (paths.length === 0) return { prefix: '', short: (n) => n };
  const split = paths.map((p) => p.split(/(?<=[\\/])/));
  let common = 0;
  const first = split[0]!;
  // The common directory: never the file name itself.
  while (common < first.length - 1 && split.every((s) => common < s.length - 1 && s[common] === first[common])) common++;
  const prefix = first.slice(0, common).join('');
  if (prefix.length < 8) return { prefix: '', short: (n) => n };
  return { prefix, short: (n) => (n.startsWith(prefix) ? n.slice(prefix.length) : n) };
}

/** The sentence that opens the findings when there are none. */
export function noFindingLine(d: Diagnosis): string {
  if (!d.inputs.some((i) => i.bytes > 0)) return 'Nothing to diagnose: no log line was read.';
  const unknown = d.unknown.filter((g) => !g.benign).length;
  return unknown > 0 ? `No known failure found; ${unknown} failure${unknown === 1 ? '' : 's'} no pattern knows ${unknown === 1 ? 'is' : 'are'} listed below.` : 'No known failure found.';
}
