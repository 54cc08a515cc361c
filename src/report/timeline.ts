// The checkpoint timeline per job, rebuilt from the JobManager's checkpoint records and job state
// changes in the Diagnosis: counts by state, restarts and failovers, gaps in the checkpoint ids or
// in time, and a chronological list of rows. Text and Markdown renderings live here; html.ts
// draws the same model as SVG. Nothing here reads logs: the detector extracts the records.

import type { CheckpointRecord, CheckpointState, Diagnosis, JobTransition } from '../model.js';
import { formatBytes, formatDuration, isoMs } from './common.js';
import { Chalk, type ChalkInstance } from 'chalk';

/** One row of a job's timeline, in time order. */
export type TimelineRow =
  | { kind: 'checkpoint'; time: string | null; ms: number | null; checkpoint: CheckpointRecord }
  | { kind: 'transition'; time: string | null; ms: number | null; transition: JobTransition }
  | { kind: 'gap'; time: string | null; ms: number | null; text: string };

/** Everything known about one job's checkpoints and restarts. */
export interface JobTimeline {
  job: string;
  name: string | null;
  checkpoints: CheckpointRecord[];
  transitions: JobTransition[];
  counts: Record<CheckpointState, number>;
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

/** Builds one timeline per job that has checkpoints or state changes. */
export function buildTimelines(d: Diagnosis): JobTimeline[] {
  const jobs = new Map<string, { cps: CheckpointRecord[]; tr: JobTransition[] }>();
  const of = (job: string): { cps: CheckpointRecord[]; tr: JobTransition[] } => {
    let j = jobs.get(job);
    if (!j) jobs.set(job, (j = { cps: [], tr: [] }));
    return j;
  };
  for (const c of d.checkpoints) of(c.job).cps.push(c);
  for (const t of d.jobTransitions) of(t.job).tr.push(t);
  const out: JobTimeline[] = [];
  for (const [job, { cps, tr }] of jobs) {
    cps.sort((a, b) => a.id - b.id);
    const counts = Object.fromEntries(STATES.map((s) => [s, 0])) as Record<CheckpointState, number>;
    for (const c of cps) counts[c.state]++;
    const rows: TimelineRow[] = [
      ...cps.map((c): TimelineRow => ({ kind: 'checkpoint', time: c.triggeredAt ?? c.endedAt, ms: isoMs(c.triggeredAt ?? c.endedAt), checkpoint: c })),
      ...tr.map((t): TimelineRow => ({ kind: 'transition', time: t.time, ms: t.timeMs ?? isoMs(t.time), transition: t })),
    ];
    rows.push(...gaps(cps));
    rows.sort((a, b) => (a.ms ?? Number.MAX_SAFE_INTEGER) - (b.ms ?? Number.MAX_SAFE_INTEGER) || order(a) - order(b));
    const times = rows.flatMap((r) => (r.ms === null ? [] : [{ ms: r.ms, t: r.time }]));
    for (const c of cps) {
      const e = isoMs(c.endedAt);
      if (e !== null) times.push({ ms: e, t: c.endedAt });
    }
    times.sort((a, b) => a.ms - b.ms);
    out.push({
      job,
      name: tr.find((t) => t.name)?.name ?? null,
      checkpoints: cps,
      transitions: tr,
      counts,
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

function order(r: TimelineRow): number {
  if (r.kind === 'gap') return 0;
  if (r.kind === 'checkpoint') return 1 + r.checkpoint.id / 1e9;
  return 2;
}

/** Missing checkpoint ids, and pauses between triggers much longer than the usual interval. */
function gaps(cps: CheckpointRecord[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  const intervals: number[] = [];
  for (let i = 1; i < cps.length; i++) {
    const a = isoMs(cps[i - 1]!.triggeredAt);
    const b = isoMs(cps[i]!.triggeredAt);
    if (a !== null && b !== null && cps[i]!.id === cps[i - 1]!.id + 1) intervals.push(b - a);
  }
  intervals.sort((x, y) => x - y);
  const median = intervals.length ? intervals[Math.floor(intervals.length / 2)]! : null;
  for (let i = 1; i < cps.length; i++) {
    const prev = cps[i - 1]!;
    const cur = cps[i]!;
    const a = isoMs(prev.triggeredAt ?? prev.endedAt);
    const b = isoMs(cur.triggeredAt ?? cur.endedAt);
    const span = a !== null && b !== null ? b - a : null;
    const at = b === null ? null : b - 1;
    if (cur.id > prev.id + 1) {
      const ids = cur.id === prev.id + 2 ? `checkpoint ${prev.id + 1}` : `checkpoints ${prev.id + 1}–${cur.id - 1}`;
      rows.push({ kind: 'gap', time: cur.triggeredAt, ms: at, text: `${ids} not in the log${span !== null ? ` (${formatDuration(span)} between ${prev.id} and ${cur.id})` : ''}` });
    } else if (span !== null && median !== null && median > 0 && span > 3 * median && span - median > 60_000) {
      rows.push({ kind: 'gap', time: cur.triggeredAt, ms: at, text: `no checkpoint for ${formatDuration(span)} (usual interval ${formatDuration(median)})` });
    }
  }
  return rows;
}

/** One-line summary of a job's checkpoints: "5 checkpoints: 3 completed, 2 aborted; 2 restarts". */
export function timelineSummary(t: JobTimeline): string {
  const parts = STATES.filter((s) => t.counts[s] > 0).map((s) => `${t.counts[s]} ${s === 'triggered' ? 'pending or unknown' : s}`);
  const total = t.checkpoints.length;
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
      const colour = failed ? c.red : r.kind === 'transition' && r.transition.to === 'RESTARTING' ? c.yellow : r.kind === 'gap' ? c.dim : r.kind === 'checkpoint' && r.checkpoint.state === 'completed' ? c.green : (s: string) => s;
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
