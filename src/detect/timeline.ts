// The checkpoint history of each job, gathered while the logs are read: one entry per checkpoint
// (its trigger, then its completion or failure), with memory bounded whatever the length of the
// logs: past the latest KEEP checkpoints of a job, completed checkpoints with consecutive ids are
// folded into runs (first and last id and time, range of durations and sizes). Failed, declined,
// expired, aborted and pending checkpoints are never folded. Of those older than the latest KEEP,
// a job keeps its first OLD_KEPT one by one, and its first OLD_KEPT runs; later ones are counted
// by state, not kept (a job whose checkpoints fail for days: how it began, how it ends, and how
// many). correlate/ turns this into the Diagnosis' checkpoints and checkpoint runs.

import type { CheckpointRecord, CheckpointRun, CheckpointState } from '../model.js';

/** Checkpoints of a job kept one by one: the latest ones, and every one that did not complete. */
export const KEEP = 1000;
/** Entries beyond KEEP before a job is folded (so that folding is not done at every checkpoint). */
const SLACK = KEEP / 2;
/** Checkpoints older than the latest KEEP that did not complete, and runs, kept per job (the first ones, by id). */
export const OLD_KEPT = 5000;

/** One checkpoint of one job (a CheckpointRecord while the logs are read: `source` is a source index). */
export type CheckpointEntry = Omit<CheckpointRecord, 'job' | 'source'> & { source: number };

/** Completed checkpoints of one job with consecutive ids, folded into one (a CheckpointRun while the logs are read). */
export type CheckpointFold = Omit<CheckpointRun, 'job' | 'count' | 'source'> & { source: number };

/** What one JobManager line says of a checkpoint. */
export interface CheckpointUpdate {
  kind: CheckpointState | 'discarded';
  id: number;
  time: string | null;
  source: number;
  line: number;
  reason?: string | null;
  bytes?: number;
  durationMs?: number;
}

interface JobHistory {
  entries: Map<number, CheckpointEntry>;
  /** Sorted by id, not overlapping. */
  folds: CheckpointFold[];
  /**
   * Entries from which the job is folded next: SLACK past KEEP, and twice the entries a fold could
   * not fold (failed ones) beyond that, so that a history of checkpoints that mostly failed is not
   * sorted again at every checkpoint.
   */
  foldAt: number;
  /** Checkpoints older than the latest KEEP counted but not kept (past the first OLD_KEPT), by final state. */
  omitted: Record<CheckpointState, number>;
}

/** How final a state is: a later line of lower rank does not overwrite a checkpoint's state. */
const RANK: Record<CheckpointState, number> = { triggered: 0, aborted: 1, expired: 2, declined: 2, failed: 3, completed: 4 };

export class CheckpointTimeline {
  private readonly jobs = new Map<string, JobHistory>();

  /** Records what a line says of checkpoint `u.id` of `job`. */
  add(job: string, u: CheckpointUpdate): void {
    const h = this.history(job);
    if (foldAt(h.folds, u.id) >= 0) return; // completed and folded: nothing can change it
    let e = h.entries.get(u.id);
    if (!e) {
      e = { id: u.id, state: 'triggered', triggeredAt: null, endedAt: null, durationMs: null, bytes: null, reason: null, source: u.source, line: u.line };
      h.entries.set(u.id, e);
    }
    if (u.kind === 'triggered') {
      e.triggeredAt = u.time;
    } else {
      const state: CheckpointState = u.kind === 'discarded' ? 'failed' : u.kind;
      if (RANK[state] >= RANK[e.state]) {
        e.state = state;
        e.endedAt = u.time;
        e.reason = u.reason ?? e.reason;
        e.source = u.source;
        e.line = u.line;
        if (u.bytes !== undefined) e.bytes = u.bytes;
        if (u.durationMs !== undefined) e.durationMs = u.durationMs;
      }
    }
    if (h.entries.size > h.foldAt) fold(h);
  }

  /**
   * Folds every job down to its latest KEEP entries (and those that did not complete), so that
   * the result does not depend on when folding happened (a scan on one thread or on lanes).
   */
  settle(): void {
    for (const h of this.jobs.values()) if (h.entries.size > KEEP) fold(h);
  }

  /** Job ids with a checkpoint, in code-unit order (hexadecimal ids: their order). */
  jobIds(): string[] {
    return [...this.jobs.keys()].sort();
  }

  has(job: string): boolean {
    return this.jobs.has(job);
  }

  /** A job's entries by id, durations filled in from the trigger and end times where the log gave none. */
  entries(job: string): CheckpointEntry[] {
    const h = this.jobs.get(job);
    if (!h) return [];
    const out = [...h.entries.values()].sort((a, b) => a.id - b.id);
    for (const e of out) if (e.durationMs === null) e.durationMs = duration(e.triggeredAt, e.endedAt);
    return out;
  }

  /** A job's folded runs, by id. */
  folds(job: string): CheckpointFold[] {
    return this.jobs.get(job)?.folds ?? [];
  }

  /** The completed checkpoint of `job` with the highest id below `before` (any id when null), and its end time when known. */
  lastCompleted(job: string, before: number | null): { id: number; at: string | null } | null {
    const h = this.jobs.get(job);
    if (!h) return null;
    let best: { id: number; at: string | null } | null = null;
    const below = (id: number): boolean => before === null || id < before;
    for (const e of h.entries.values()) if (e.state === 'completed' && below(e.id) && (!best || e.id > best.id)) best = { id: e.id, at: e.endedAt };
    for (const f of h.folds) {
      if (!below(f.firstId)) continue;
      const id = below(f.lastId) ? f.lastId : before! - 1;
      if (!best || id > best.id) best = { id, at: id === f.lastId ? f.lastAt : null };
    }
    return best;
  }

  /** Whether checkpoint `id` of `job` completed (an entry, or within a folded run). */
  completed(job: string, id: number): boolean {
    const h = this.jobs.get(job);
    if (!h) return false;
    return h.entries.get(id)?.state === 'completed' || foldAt(h.folds, id) >= 0;
  }

  /** A job's checkpoints counted but not kept (see OLD_KEPT), by final state. */
  omitted(job: string): Record<CheckpointState, number> {
    return this.jobs.get(job)?.omitted ?? noneOmitted();
  }

  /** Each job's entries as recorded (no durations filled in), its folded runs and what it counted but did not keep. */
  recorded(): [job: string, entries: CheckpointEntry[], folds: CheckpointFold[], omitted: Record<CheckpointState, number>][] {
    return [...this.jobs].map(([job, h]) => [job, [...h.entries.values()], h.folds, h.omitted]);
  }

  /** Adds checkpoints another history counted but did not keep. */
  addOmitted(job: string, omitted: Record<CheckpointState, number>): void {
    const h = this.history(job);
    for (const k in omitted) h.omitted[k as CheckpointState] += omitted[k as CheckpointState];
  }

  /**
   * Adds a run of completed checkpoints of `job` (another history's fold): joined with the runs
   * it touches, the entries it covers dropped (a run says they completed, which no state outranks).
   */
  addRun(job: string, run: CheckpointFold): void {
    const h = this.history(job);
    addFold(h, run, true);
    if (h.entries.size > h.foldAt) fold(h);
    else capRuns(h);
  }

  private history(job: string): JobHistory {
    let h = this.jobs.get(job);
    if (!h) this.jobs.set(job, (h = { entries: new Map(), folds: [], foldAt: KEEP + SLACK, omitted: noneOmitted() }));
    return h;
  }
}

function noneOmitted(): Record<CheckpointState, number> {
  return { triggered: 0, completed: 0, failed: 0, declined: 0, expired: 0, aborted: 0 };
}

/**
 * Folds the completed entries older than the latest KEEP into runs; of the other old entries,
 * keeps the first OLD_KEPT, and of the runs the first OLD_KEPT, counting the later ones.
 */
function fold(h: JobHistory): void {
  const ids = [...h.entries.keys()].sort((a, b) => a - b);
  let old = 0;
  for (let i = 0; i < ids.length - KEEP; i++) {
    const e = h.entries.get(ids[i]!)!;
    if (e.state !== 'completed') {
      if (++old <= OLD_KEPT) continue;
      h.omitted[e.state]++;
      h.entries.delete(e.id);
      continue;
    }
    const d = e.durationMs ?? duration(e.triggeredAt, e.endedAt);
    addFold(h, { firstId: e.id, lastId: e.id, firstAt: e.triggeredAt ?? e.endedAt, lastAt: e.endedAt, minDurationMs: d, maxDurationMs: d, minBytes: e.bytes, maxBytes: e.bytes, source: e.source, line: e.line });
    h.entries.delete(e.id);
  }
  capRuns(h);
  h.foldAt = KEEP + SLACK + 2 * Math.max(0, Math.min(h.entries.size - KEEP, OLD_KEPT));
}

/** Keeps a job's first OLD_KEPT runs, counting the checkpoints of the later ones. */
function capRuns(h: JobHistory): void {
  if (h.folds.length <= OLD_KEPT) return;
  for (const r of h.folds.splice(OLD_KEPT)) h.omitted.completed += r.lastId - r.firstId + 1;
}

/** Adds a run, joining it with the runs it touches or overlaps; with `dropCovered`, drops the entries it covers. */
function addFold(h: JobHistory, f: CheckpointFold, dropCovered = false): void {
  const runs = h.folds;
  // The first run that ends at or after f.firstId - 1 (a run that touches f from below).
  let lo = 0;
  let hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (runs[mid]!.lastId < f.firstId - 1) lo = mid + 1;
    else hi = mid;
  }
  let joined = f;
  let end = lo;
  while (end < runs.length && runs[end]!.firstId <= joined.lastId + 1) joined = union(runs[end++]!, joined);
  runs.splice(lo, end - lo, joined);
  // A run says its checkpoints completed, which no other state outranks.
  if (dropCovered) for (const e of [...h.entries.values()]) if (e.id >= joined.firstId && e.id <= joined.lastId) h.entries.delete(e.id);
}

/** Two runs that touch or overlap, as one. */
function union(a: CheckpointFold, b: CheckpointFold): CheckpointFold {
  const first = a.firstId <= b.firstId ? a : b;
  const later = a.lastId >= b.lastId ? a : b;
  return {
    firstId: first.firstId,
    lastId: later.lastId,
    firstAt: first.firstAt,
    lastAt: later.lastAt,
    minDurationMs: least(a.minDurationMs, b.minDurationMs),
    maxDurationMs: most(a.maxDurationMs, b.maxDurationMs),
    minBytes: least(a.minBytes, b.minBytes),
    maxBytes: most(a.maxBytes, b.maxBytes),
    source: later.source,
    line: later.line,
  };
}

/** Index of the run holding `id`, or -1. */
function foldAt(runs: CheckpointFold[], id: number): number {
  let lo = 0;
  let hi = runs.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = runs[mid]!;
    if (id < r.firstId) hi = mid - 1;
    else if (id > r.lastId) lo = mid + 1;
    else return mid;
  }
  return -1;
}

function least(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function most(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}

/** Milliseconds from a trigger to an end time (log-local ISO texts), or null. */
function duration(from: string | null, to: string | null): number | null {
  if (!from || !to) return null;
  const d = Date.parse(to) - Date.parse(from);
  return Number.isFinite(d) && d >= 0 ? d : null;
}
