// Bounds the signals a scan keeps per pattern. A crash-looping job logs the same failure hundreds
// of thousands of times; correlation needs every checkpoint, job, task and host it touched and its
// place in time, not every line. Past the first KEPT_SIGNALS signals of a pattern, a signal is
// kept only when it brings an identity not seen before or the first signal of a new minute; the
// others are tallied (how many, and the checkpoint ids of those past IDENTITY_SIGNALS), and the
// latest one is kept so that the finding's last occurrence stays right.

import type { Signal } from '../model.js';

/** Signals of a pattern always kept. */
export const KEPT_SIGNALS = 1_000;
/** Signals of a pattern kept for a new identity; past it, new checkpoint ids are tallied as numbers. */
export const IDENTITY_SIGNALS = 4_000;
/** Signals of a pattern kept at most, whatever they bring. */
export const MAX_SIGNALS = 6_000;
/** Distinct jobs, tasks and hosts remembered per pattern. */
const MAX_NAMES = 4_096;
/** A signal is kept when it is the first of its pattern in this many milliseconds (restarts are attributed by time). */
const TIME_STEP_MS = 60_000;

/** What was not kept of a pattern's signals. */
export interface SignalTally {
  /** Signals counted but not kept. */
  events: number;
  /** Checkpoint ids of signals not kept (and not in any kept signal). */
  checkpoints: number[];
}

interface PatternSeen {
  count: number;
  kept: number;
  checkpoints: Set<number>;
  names: Set<string>;
  lastStep: number;
  tally: SignalTally;
  latest: Signal | null;
}

/** Decides, signal by signal, which ones a detector keeps. */
export class SignalThinning {
  private readonly seen = new Map<string, PatternSeen>();

  /** True when `s` is to be kept; otherwise it was tallied. */
  keep(s: Signal): boolean {
    const p = this.pattern(s.patternId);
    p.count++;
    const id = s.identity;
    const cp = id.checkpoint;
    const newCheckpoint = cp !== undefined && !p.checkpoints.has(cp);
    // Job, task and host in turn (no array made per signal).
    let newName = remember(p.names, id.job);
    if (remember(p.names, id.task)) newName = true;
    if (remember(p.names, id.host)) newName = true;
    const t = s.event.timeMs;
    const step = t === null ? null : Math.floor(t / TIME_STEP_MS);
    const newStep = step !== null && step !== p.lastStep;
    if (step !== null) p.lastStep = step;
    const keep = p.kept < KEPT_SIGNALS || (p.kept < MAX_SIGNALS && (newName || newStep || (newCheckpoint && p.kept < IDENTITY_SIGNALS)));
    if (newCheckpoint) p.checkpoints.add(cp);
    if (keep) {
      p.kept++;
      return true;
    }
    p.tally.events++;
    if (newCheckpoint) p.tally.checkpoints.push(cp);
    if (!p.latest || (t ?? -Infinity) >= (p.latest.event.timeMs ?? -Infinity)) p.latest = s;
    return false;
  }

  /**
   * Checkpoint ids of a pattern's signals that another detector counted and did not keep (a
   * lane's tally, merged in task order): signals thinned after them (Detector.absorbSignals) see these ids as
   * known, as they would have on one thread.
   */
  noteCheckpoints(patternId: string, ids: readonly number[]): void {
    const p = this.pattern(patternId);
    for (const id of ids) p.checkpoints.add(id);
  }

  /**
   * The latest signal of its pattern that another detector counted and did not keep (a lane's,
   * merged in task order: TaskTallies.latest), offered after the signals that detector kept: the
   * latest one kept here if it is the latest of all, as on one thread. It is not counted here: it
   * is in the tally it came with. Of two signals logged in the same millisecond, the one read
   * later (the later line of one source, else the later task's) is the latest.
   */
  offerLatest(s: Signal): void {
    const p = this.pattern(s.patternId);
    const cur = p.latest;
    if (cur !== null) {
      const t = s.event.timeMs ?? -Infinity;
      const c = cur.event.timeMs ?? -Infinity;
      if (t < c || (t === c && cur.event.sourceIndex === s.event.sourceIndex && cur.line > s.line)) return;
    }
    p.latest = s;
  }

  /**
   * What was not kept since the last call, by pattern, for a detector that takes it over (a lane's
   * results, merged into another detector): the tallies, each latest signal not kept still counted
   * in them, and those latest signals apart, to be offered there (offerLatest). The latest signals
   * do not become kept signals: merged in among them, a task's would stand out of order and be
   * kept there as the first of a new minute.
   */
  handOver(): { tallies: Map<string, SignalTally>; latest: Signal[] } {
    const latest: Signal[] = [];
    const tallies = this.drain((s) => latest.push(s), true);
    return { tallies, latest };
  }

  private pattern(id: string): PatternSeen {
    let p = this.seen.get(id);
    if (!p) this.seen.set(id, (p = { count: 0, kept: 0, checkpoints: new Set(), names: new Set(), lastStep: -Infinity, tally: { events: 0, checkpoints: [] }, latest: null }));
    return p;
  }

  /**
   * The tallies by pattern since the last call, once the scan is done; the latest signal of each pattern that was not
   * kept is handed to `keepLatest` (and no longer counted in the tally).
   */
  finish(keepLatest: (s: Signal) => void): Map<string, SignalTally> {
    return this.drain(keepLatest, false);
  }

  /**
   * The tallies by pattern since the last call, handed out once (a later call reports only what was tallied
   * since); each pattern's latest signal not kept goes to `latest`, still counted in its tally when `counted`.
   */
  private drain(latest: (s: Signal) => void, counted: boolean): Map<string, SignalTally> {
    const out = new Map<string, SignalTally>();
    for (const [id, p] of this.seen) {
      if (p.latest) {
        latest(p.latest);
        if (!counted) p.tally.events--;
        p.latest = null;
      }
      // At -1 when the latest came from another detector's tally (offerLatest): the sum is right.
      if (p.tally.events !== 0 || p.tally.checkpoints.length > 0) out.set(id, p.tally);
      p.tally = { events: 0, checkpoints: [] };
    }
    return out;
  }
}

/** Adds a name not seen before to `names` (while under MAX_NAMES); true when it was added. */
function remember(names: Set<string>, v: string | undefined): boolean {
  if (!v || names.has(v) || names.size >= MAX_NAMES) return false;
  names.add(v);
  return true;
}

/** Adds tallies (a scan worker's) into `into`. */
export function mergeTallies(into: Map<string, SignalTally>, from: Iterable<[string, SignalTally]>): void {
  for (const [id, t] of from) {
    const x = into.get(id);
    if (!x) into.set(id, { events: t.events, checkpoints: [...t.checkpoints] });
    else {
      x.events += t.events;
      for (const c of t.checkpoints) x.checkpoints.push(c);
    }
  }
}
