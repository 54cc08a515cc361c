// The checkpoint timeline per job, rebuilt from the JobManager's checkpoint records and job state
// changes in the Diagnosis: counts by state, restarts and failovers, gaps in the checkpoint ids or
// in time, and a chronological list of rows, in which completed checkpoints with consecutive ids
// are one row (the runs the detector folded, and shorter ones). Text and Markdown renderings live
// here; html.ts draws the same model as SVG. Nothing here reads logs: the detector extracts the records.

import type { CheckpointRecord, CheckpointRun, CheckpointState, Diagnosis, JobTransition } from '../model.js';
import { formatBytes, formatDuration, isoMs } from './common.js';
import { Chalk, type ChalkInstance } from 'chalk';

/** One row of a job's timeline, in time order. */
export type TimelineRow =
  | { kind: 'checkpoint'; time: string | null; ms: number | null; checkpoint: CheckpointRecord }
  | { kind: 'run'; time: string | null; ms: number | null; run: CheckpointRun }
  | { kind: 'transition'; time: string | null; ms: number | null; transition: JobTransition }
  | { kind: 'gap'; time: string | null; ms: number | null; text: string };

/** Everything known about one job's checkpoints and restarts. */
export interface JobTimeline {
  job: string;
  name: string | null;
  checkpoints: CheckpointRecord[];
  /** Completed checkpoints the detector folded into runs (long logs). */
  runs: CheckpointRun[];
  transitions: JobTransition[];
  /** Checkpoints by state, runs included. */
  counts: Record<CheckpointState, number>;
  /** Checkpoints in all, runs included. */
  total: number;
  restarts: number;
  /** Transitions to FAILING or FAILED. */
  failures: number;
  startMs: number | null;
  endMs: number | null;
  start: string | null;
  end: string | null;
  rows: TimelineRow[];
}

/** Checkpoint states that mean the checkpoint did not complete. */
export const FAILED_STATES: ReadonlySet<CheckpointState> = new Set(['failed', 'declined', 'expired', 'aborted']);

const STATES: CheckpointState[] = ['completed', 'failed', 'declined', 'expired', 'aborted', 'triggered'];

/** Completed checkpoints with consecutive ids shown as one row from this many on. */
const ROW_RUN = 4;

/** Builds one timeline per job that has checkpoints or state changes. */
export function buildTimelines(d: Diagnosis): JobTimeline[] {
  const jobs = new Map<string, { cps: CheckpointRecord[]; runs: CheckpointRun[]; tr: JobTransition[] }>();
  const of = (job: string): { cps: CheckpointRecord[]; runs: CheckpointRun[]; tr: JobTransition[] } => {
    let j = jobs.get(job);
    if (!j) jobs.set(job, (j = { cps: [], runs: [], tr: [] }));
    return j;
  };
  for (const c of d.checkpoints) of(c.job).cps.push(c);
  for (const r of d.checkpointRuns ?? []) of(r.job).runs.push(r);
  for (const t of d.jobTransitions) of(t.job).tr.push(t);
  const summaries = new Map((d.jobs ?? []).map((j) => [j.job, j]));
  const out: JobTimeline[] = [];
  for (const [job, { cps, runs, tr }] of jobs) {
    cps.sort((a, b) => a.id - b.id);
    runs.sort((a, b) => a.firstId - b.firstId);
    // The job's summary counts the checkpoints a long history did not list too (detect/timeline.ts);
    // without one (a diagnosis made without job summaries), the rows are counted.
    const summary = summaries.get(job);
    const counts = summary ? { ...summary.checkpoints } : (Object.fromEntries(STATES.map((s) => [s, 0])) as Record<CheckpointState, number>);
    if (!summary) {
      for (const c of cps) counts[c.state]++;
      for (const r of runs) counts.completed += r.count;
    }
    const items = runRows(cps, runs);
    const rows: TimelineRow[] = [
      ...items.map((i): TimelineRow => ('run' in i ? { kind: 'run', time: i.run.firstAt, ms: isoMs(i.run.firstAt), run: i.run } : { kind: 'checkpoint', time: i.cp.triggeredAt ?? i.cp.endedAt, ms: isoMs(i.cp.triggeredAt ?? i.cp.endedAt), checkpoint: i.cp })),
      ...tr.map((t): TimelineRow => ({ kind: 'transition', time: t.time, ms: t.timeMs ?? isoMs(t.time), transition: t })),
    ];
    rows.push(...gaps(items));
    rows.sort((a, b) => (a.ms ?? Number.MAX_SAFE_INTEGER) - (b.ms ?? Number.MAX_SAFE_INTEGER) || order(a) - order(b));
    const times = rows.flatMap((r) => (r.ms === null ? [] : [{ ms: r.ms, t: r.time }]));
    for (const i of items) {
      const end = 'run' in i ? i.run.lastAt : i.cp.endedAt;
      const e = isoMs(end);
      if (e !== null) times.push({ ms: e, t: end });
    }
    times.sort((a, b) => a.ms - b.ms);
    out.push({
      job,
      name: tr.find((t) => t.name)?.name ?? null,
      checkpoints: cps,
      runs,
      transitions: tr,
      counts,
      total: STATES.reduce((a, st) => a + counts[st], 0),
      restarts: tr.filter((t) => t.to === 'RESTARTING').length,
      failures: tr.filter((t) => t.to === 'FAILING' || t.to === 'FAILED').length,
      startMs: times[0]?.ms ?? null,
      endMs: times[times.length - 1]?.ms ?? null,
      start: times[0]?.t ?? null,
      end: times[times.length - 1]?.t ?? null,
      rows,
    });
  }
  return out.sort((a, b) => (a.startMs ?? 0) - (b.startMs ?? 0));
}

/** A job's checkpoints in id order: single checkpoints, and runs of completed ones. */
type Item = { cp: CheckpointRecord } | { run: CheckpointRun };

/**
 * The checkpoints and folded runs of one job in id order, with completed checkpoints of
 * consecutive ids joined into runs (with the folded runs they touch) when there are ROW_RUN or
 * more of them: a row per uneventful stretch, a row per checkpoint where something happened.
 */
function runRows(cps: CheckpointRecord[], runs: CheckpointRun[]): Item[] {
  const seq: Item[] = [...cps.map((cp) => ({ cp })), ...runs.map((run) => ({ run }))].sort((a, b) => first(a) - first(b));
  const out: Item[] = [];
  let stretch: Item[] = [];
  const flush = (): void => {
    const n = stretch.reduce((a, i) => a + ('run' in i ? i.run.count : 1), 0);
    if (n >= ROW_RUN) out.push({ run: joinRun(stretch) });
    else out.push(...stretch);
    stretch = [];
  };
  for (const i of seq) {
    const completed = 'run' in i || i.cp.state === 'completed';
    const prev = stretch[stretch.length - 1];
    if (!completed || (prev && first(i) !== last(prev) + 1)) flush();
    if (completed) stretch.push(i);
    else out.push(i);
  }
  flush();
  return out;
}

function first(i: Item): number {
  return 'run' in i ? i.run.firstId : i.cp.id;
}

function last(i: Item): number {
  return 'run' in i ? i.run.lastId : i.cp.id;
}

/** Completed checkpoints and runs with consecutive ids as one run. */
function joinRun(items: Item[]): CheckpointRun {
  const runs = items.map((i): CheckpointRun => {
    if ('run' in i) return i.run;
    const c = i.cp;
    return { job: c.job, firstId: c.id, lastId: c.id, count: 1, firstAt: c.triggeredAt ?? c.endedAt, lastAt: c.endedAt, minDurationMs: c.durationMs, maxDurationMs: c.durationMs, minBytes: c.bytes, maxBytes: c.bytes, source: c.source, line: c.line };
  });
  const a = runs[0]!;
  const z = runs[runs.length - 1]!;
  const pick = (f: (r: CheckpointRun) => number | null, g: (...xs: number[]) => number): number | null => {
    const xs = runs.map(f).filter((x): x is number => x !== null);
    return xs.length ? g(...xs) : null;
  };
  return {
    job: a.job,
    firstId: a.firstId,
    lastId: z.lastId,
    count: z.lastId - a.firstId + 1,
    firstAt: a.firstAt,
    lastAt: z.lastAt,
    minDurationMs: pick((r) => r.minDurationMs, Math.min),
    maxDurationMs: pick((r) => r.maxDurationMs, Math.max),
    minBytes: pick((r) => r.minBytes, Math.min),
    maxBytes: pick((r) => r.maxBytes, Math.max),
    source: z.source,
    line: z.line,
  };
}

function order(r: TimelineRow): number {
  if (r.kind === 'gap') return 0;
  if (r.kind === 'checkpoint') return 1 + r.checkpoint.id / 1e9;
  if (r.kind === 'run') return 1 + r.run.firstId / 1e9;
  return 2;
}

/** Missing checkpoint ids, and pauses between triggers much longer than the usual interval. */
function gaps(items: Item[]): TimelineRow[] {
  const startOf = (i: Item): string | null => ('run' in i ? i.run.firstAt : (i.cp.triggeredAt ?? i.cp.endedAt));
  const endOf = (i: Item): string | null => ('run' in i ? i.run.lastAt : (i.cp.triggeredAt ?? i.cp.endedAt));
  // The usual interval: between consecutive checkpoints, and a run's average.
  const intervals: number[] = [];
  for (let k = 0; k < items.length; k++) {
    const i = items[k]!;
    if ('run' in i) {
      const span = (isoMs(i.run.lastAt) ?? NaN) - (isoMs(i.run.firstAt) ?? NaN);
      if (i.run.count > 1 && span >= 0) intervals.push(span / (i.run.count - 1));
    }
    if (k === 0) continue;
    const p = items[k - 1]!;
    const a = isoMs(endOf(p));
    const b = isoMs(startOf(i));
    if (a !== null && b !== null && first(i) === last(p) + 1) intervals.push(b - a);
  }
  intervals.sort((x, y) => x - y);
  const median = intervals.length ? intervals[Math.floor(intervals.length / 2)]! : null;
  const rows: TimelineRow[] = [];
  for (let k = 1; k < items.length; k++) {
    const prev = items[k - 1]!;
    const cur = items[k]!;
    const a = isoMs(endOf(prev));
    const b = isoMs(startOf(cur));
    const span = a !== null && b !== null ? b - a : null;
    const at = b === null ? null : b - 1;
    const p = last(prev);
    const c = first(cur);
    if (c > p + 1) {
      const ids = c === p + 2 ? `checkpoint ${p + 1}` : `checkpoints ${p + 1}–${c - 1}`;
      rows.push({ kind: 'gap', time: startOf(cur), ms: at, text: `${ids} not in the log${span !== null ? ` (${formatDuration(span)} between ${p} and ${c})` : ''}` });
    } else if (span !== null && median !== null && median > 0 && span > 3 * median && span - median > 60_000) {
      rows.push({ kind: 'gap', time: startOf(cur), ms: at, text: `no checkpoint for ${formatDuration(span)} (usual interval ${formatDuration(median)})` });
    }
  }
  return rows;
}

/** One-line summary of a job's checkpoints: "5 checkpoints: 3 completed, 2 aborted; 2 restarts". */
export function timelineSummary(t: JobTimeline): string {
  const parts = STATES.filter((s) => t.counts[s] > 0).map((s) => `${t.counts[s]} ${s === 'triggered' ? 'pending or unknown' : s}`);
  const total = t.total;
  const extra = [t.restarts ? `${t.restarts} restart${t.restarts === 1 ? '' : 's'}` : '', t.failures ? `${t.failures} failover${t.failures === 1 ? '' : 's'} to FAILING/FAILED` : ''].filter(Boolean);
  return `${total} checkpoint${total === 1 ? '' : 's'}${parts.length ? ': ' + parts.join(', ') : ''}${extra.length ? '; ' + extra.join(', ') : ''}`;
}

/** Job title: name and id. */
export function jobTitle(t: JobTimeline): string {
  return t.name ? `${t.name} (${t.job})` : t.job;
}

/** Time of day for compact rows when the whole timeline is on one date. */
export function shortTime(t: string | null, sameDay: boolean): string {
  if (!t) return '—';
  return sameDay ? t.replace(/^\d{4}-\d\d-\d\dT/, '') : t.replace('T', ' ');
}

function oneDay(t: JobTimeline): boolean {
  return !!t.start && !!t.end && t.start.slice(0, 10) === t.end.slice(0, 10);
}

/** Describes one row: symbol, what happened and details. */
export function describeRow(r: TimelineRow): { symbol: string; what: string; detail: string; failed: boolean } {
  if (r.kind === 'gap') return { symbol: '⋯', what: 'gap', detail: r.text, failed: false };
  if (r.kind === 'run') {
    const u = r.run;
    const range = (lo: number | null, hi: number | null, f: (n: number) => string): string => (lo === null || hi === null ? '' : lo === hi ? f(lo) : `${f(lo)}–${f(hi)}`);
    return {
      symbol: '✓',
      what: `checkpoints ${u.firstId}–${u.lastId} completed`,
      detail: [`${u.count} in a row${u.lastAt ? `, the last at ${u.lastAt.replace('T', ' ')}` : ''}`, range(u.minDurationMs, u.maxDurationMs, formatDuration), range(u.minBytes, u.maxBytes, formatBytes)].filter(Boolean).join(', '),
      failed: false,
    };
  }
  if (r.kind === 'transition') {
    const t = r.transition;
    const symbol = t.to === 'RESTARTING' ? '↻' : t.to === 'FAILED' || t.to === 'FAILING' ? '✗' : '•';
    return { symbol, what: `job ${t.from} → ${t.to}`, detail: t.cause ?? '', failed: t.to === 'FAILED' || t.to === 'FAILING' };
  }
  const c = r.checkpoint;
  const failed = FAILED_STATES.has(c.state);
  const dur = c.durationMs !== null ? formatDuration(c.durationMs) : '';
  const size = c.bytes !== null ? formatBytes(c.bytes) : '';
  return {
    symbol: c.state === 'completed' ? '✓' : failed ? '✗' : '…',
    what: `checkpoint ${c.id} ${c.state}`,
    detail: [dur, size, c.reason ?? ''].filter(Boolean).join(', '),
    failed,
  };
}

/** The timeline as text lines (no trailing blank line); colour when allowed. */
export function timelineText(d: Diagnosis, c: ChalkInstance = new Chalk({ level: 0 })): string[] {
  const timelines = buildTimelines(d);
  const out: string[] = [c.bold('Checkpoint timeline')];
  if (timelines.length === 0) {
    out.push('  No checkpoint or job state change found (they come from the JobManager log).');
    return out;
  }
  for (const t of timelines) {
    const sameDay = oneDay(t);
    out.push(`  Job ${c.bold(jobTitle(t))}${t.start ? c.dim(`, ${t.start.replace('T', ' ')} → ${shortTime(t.end, sameDay)}`) : ''}`);
    out.push(`  ${timelineSummary(t)}`);
    for (const r of t.rows) {
      const { symbol, what, detail, failed } = describeRow(r);
      const colour = failed ? c.red : r.kind === 'transition' && r.transition.to === 'RESTARTING' ? c.yellow : r.kind === 'gap' ? c.dim : (r.kind === 'checkpoint' && r.checkpoint.state === 'completed') || r.kind === 'run' ? c.green : (s: string) => s;
      out.push((`    ${shortTime(r.time, sameDay).padEnd(sameDay ? 12 : 23)} ${colour(`${symbol} ${what}`.padEnd(r.kind === 'gap' ? 0 : 28))}${detail ? c.dim(`  ${clip(detail, 140)}`) : ''}`).trimEnd());
    }
  }
  return out;
}

/** The timeline as Markdown: one table per job. */
export function timelineMarkdown(d: Diagnosis, esc: (s: string) => string): string[] {
  const timelines = buildTimelines(d);
  const out: string[] = ['## Checkpoint timeline', ''];
  if (timelines.length === 0) return [...out, 'No checkpoint or job state change found (they come from the JobManager log).', ''];
  for (const t of timelines) {
    out.push(`### Job ${esc(jobTitle(t))}`, '', esc(timelineSummary(t)) + (t.start ? ` · ${t.start} → ${t.end}` : ''), '');
    out.push('| Time | | Event | Duration | Size | Detail |', '|---|---|---|---|---|---|');
    for (const r of t.rows) {
      const { symbol, what, detail } = describeRow(r);
      const cp = r.kind === 'checkpoint' ? r.checkpoint : null;
      const rest = cp ? (cp.reason ?? '') : detail;
      const ev = r.kind === 'gap' ? `_${esc(detail)}_` : failedOrRestart(r) ? `**${esc(what)}**` : esc(what);
      out.push(`| ${r.time ?? '—'} | ${symbol} | ${ev} | ${cp?.durationMs != null ? formatDuration(cp.durationMs) : ''} | ${cp?.bytes != null ? formatBytes(cp.bytes) : ''} | ${r.kind === 'gap' ? '' : esc(clip(rest, 160))} |`);
    }
    out.push('');
  }
  return out;
}

function failedOrRestart(r: TimelineRow): boolean {
  if (r.kind === 'checkpoint') return FAILED_STATES.has(r.checkpoint.state);
  if (r.kind === 'transition') return ['RESTARTING', 'FAILING', 'FAILED'].includes(r.transition.to);
  return false;
}

function clip(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}
