// What the logs cover in time: each log source's first and last timestamp (read from the head and
// the tail of a plain file or of standard input, else the earliest and latest time the scan kept from it), the overall
// span, the --since/--until window, and TaskManager clocks that run behind the JobManager's (a
// TaskManager failing checkpoint N before the JobManager triggered it). An operator reads it to
// judge whether the logs cover the incident.

import { open as openFile } from 'node:fs/promises';
import type { CheckpointRecord, Coverage, ClockSkew, Finding, JobTransition, Signal, SourceCoverage, SourceInfo, UnknownGroup } from './model.js';
import { readTimestamp, stripContainerPrefix } from './parse/line.js';

/** Bytes read from each end of a plain file to find its first and last timestamp. */
const EDGE_BYTES = 64 * 1024;
/** A TaskManager event this much before the JobManager triggered its checkpoint is a clock gap. */
const SKEW_MS = 1000;

export interface CoverageInput {
  sources: SourceInfo[];
  /** Source name → file path, for plain files that can be read again. */
  paths: Map<string, string>;
  /** Source name → the head and tail bytes kept of a stream that cannot be read again (stdin). */
  streamEdges?: Map<string, { head: Buffer; tail: Buffer }>;
  findings: Finding[];
  checkpoints: CheckpointRecord[];
  jobTransitions: JobTransition[];
  unknown: UnknownGroup[];
  signals: Signal[];
  since: number | null;
  until: number | null;
}

/** Timestamp at the start of a log line (after a container prefix), or null. */
function lineTime(line: string): { iso: string; ms: number } | null {
  let s = stripContainerPrefix(line);
  // A bracketed date (`[2016-06-06 10:35:35,592] WARN …`) is read without its bracket.
  if (s.charCodeAt(0) === 91 && s.charCodeAt(1) >= 48 && s.charCodeAt(1) <= 57) s = s.slice(1);
  const c = s.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return null;
  const t = readTimestamp(s.length > 23 && s.charCodeAt(23) === 32 ? s.slice(0, 23) : s.slice(0, 40));
  return t.iso && t.ms !== null ? { iso: t.iso, ms: t.ms } : null;
}

type Edges = { first: { iso: string; ms: number } | null; last: { iso: string; ms: number } | null };

/** First and last timestamp of a log's head and tail bytes; null for gzip or binary data. */
function timesAtEdges(head: Buffer, tail: Buffer): Edges | null {
  if (head.includes(0)) return null; // gzip or binary: the scan's own times are used
  let first = null;
  for (const l of head.toString('utf8').split('\n')) if ((first = lineTime(l))) break;
  const lines = tail.toString('utf8').split('\n');
  let last = null;
  for (let i = lines.length - 1; i >= 0 && !last; i--) last = lineTime(lines[i]!);
  // A pasted excerpt whose parts are out of order (its last line older than its first): the
  // range still runs from the earlier time to the later one.
  if (first && last && last.ms < first.ms) return { first: last, last: first };
  return { first, last };
}

/** First and last timestamp of a plain file, from its head and tail; null when it cannot be read. */
async function fileEdges(path: string): Promise<Edges | null> {
  let fh;
  try {
    fh = await openFile(path, 'r');
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(EDGE_BYTES, size));
    await fh.read(head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(EDGE_BYTES, size));
    await fh.read(tail, 0, tail.length, size - tail.length);
    return timesAtEdges(head, tail);
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

function isoOfMs(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '');
}

/** The coverage of the inputs in time. */
export async function coverage(input: CoverageInput): Promise<Coverage> {
  // The times at each log's edges, read from the file or stream where it can be.
  const logs: { s: SourceInfo; edges: Awaited<ReturnType<typeof fileEdges>> }[] = [];
  for (const s of input.sources) {
    if (s.kind !== 'log' || s.bytes === 0) continue;
    const path = input.paths.get(s.name);
    const stream = input.streamEdges?.get(s.name);
    logs.push({ s, edges: s.gzip ? null : path ? await fileEdges(path) : stream ? timesAtEdges(stream.head, stream.tail) : null });
  }
  // Else the earliest and latest times the scan kept, per source name (looked for only when an edge is missing).
  const need = new Set(logs.filter((l) => !l.edges?.first || !l.edges?.last).map((l) => l.s.name));
  const seen = new Map<string, { first: [number, string]; last: [number, string] }>();
  const note = (source: string, iso: string | null | undefined): void => {
    if (!iso || !need.has(source)) return;
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(iso) ? iso : `${iso}Z`);
    if (Number.isNaN(ms)) return;
    const s = seen.get(source);
    if (!s) seen.set(source, { first: [ms, iso], last: [ms, iso] });
    else {
      if (ms < s.first[0]) s.first = [ms, iso];
      if (ms > s.last[0]) s.last = [ms, iso];
    }
  };
  if (need.size > 0) {
    for (const f of input.findings) for (const e of f.evidence) note(e.source, e.time);
    for (const c of input.checkpoints) {
      note(c.source, c.triggeredAt);
      note(c.source, c.endedAt);
    }
    for (const j of input.jobTransitions) note(j.source, j.time);
    for (const g of input.unknown) for (const o of g.occurrences) note(o.source, o.time);
    for (const s of input.signals) note(input.sources[s.event.sourceIndex]?.name ?? '', s.event.time);
  }

  const sources: SourceCoverage[] = [];
  for (const { s, edges } of logs) {
    const kept = seen.get(s.name);
    const first = edges?.first?.iso ?? kept?.first[1] ?? null;
    const last = edges?.last?.iso ?? kept?.last[1] ?? null;
    sources.push({ source: s.name, role: s.role, first, last, from: edges?.first || edges?.last ? 'file' : kept ? 'events' : 'none' });
  }
  const ms = (t: string | null): number => (t ? Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : `${t}Z`) : NaN);
  const firsts = sources.filter((s) => s.first).sort((a, b) => ms(a.first) - ms(b.first));
  const lasts = sources.filter((s) => s.last).sort((a, b) => ms(b.last) - ms(a.last));
  return {
    sources,
    first: firsts[0]?.first ?? null,
    last: lasts[0]?.last ?? null,
    window: { since: input.since !== null ? isoOfMs(input.since) : null, until: input.until !== null ? isoOfMs(input.until) : null },
    clockSkew: clockSkew(input),
  };
}

/** TaskManager sources whose events on checkpoint N come before the JobManager triggered N. */
function clockSkew(input: CoverageInput): ClockSkew[] {
  const triggered = new Map<string, CheckpointRecord[]>();
  for (const c of input.checkpoints) if (c.triggeredAt) (triggered.get(String(c.id)) ?? triggered.set(String(c.id), []).get(String(c.id))!).push(c);
  const worst = new Map<string, ClockSkew>();
  for (const s of input.signals) {
    const src = input.sources[s.event.sourceIndex];
    if (!src || src.role !== 'taskmanager' || s.identity.checkpoint === undefined || s.event.timeMs === null || !s.event.time) continue;
    const cands = (triggered.get(String(s.identity.checkpoint)) ?? []).filter((c) => !s.identity.job || c.job === s.identity.job);
    if (cands.length !== 1) continue;
    const c = cands[0]!;
    const trig = Date.parse(`${c.triggeredAt!.replace(/[zZ]$/, '')}Z`);
    const ahead = trig - s.event.timeMs;
    if (!(ahead > SKEW_MS)) continue;
    const prev = worst.get(src.name);
    if (!prev || ahead > prev.behindMs) worst.set(src.name, { source: src.name, jobManagerSource: c.source, job: c.job, checkpoint: c.id, taskManagerTime: s.event.time, triggeredAt: c.triggeredAt!, behindMs: ahead });
  }
  return [...worst.values()];
}
