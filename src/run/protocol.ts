// The worker protocol: where a worker's code is, the heap limits every worker starts with, and
// the messages between the calling thread and a worker — a lane's setup, tasks and replies
// (pool.ts, lanes.ts), a pipeline's setup (pipeline.ts, which also defines its record batches).

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DetectorOptions } from '../detect/detector.js';
import type { DetectorState } from './merge.js';
import type { ByteRange } from './ranges.js';

// The worker's bundle (scripts/bundle.mjs), found from this module or from the start-up bundle in
// dist/cli/.
export const WORKER_URL = new URL('../run/worker.bundle.js', import.meta.url);

/**
 * Young generation of a worker's heap (MiB): 2 MiB semi-spaces (V8 sizes a young generation at
 * three semi-spaces; the main thread's grows to 4 MiB ones for a scan: run/heap.ts). V8's default
 * lets a new thread's young generation grow to 32 MiB; a scan's short-lived objects (records,
 * events) die young in a fraction of that. Measured on two cores, one worker scanning a 1 GiB log
 * in 16 ranges, processor time: on the bench log 1.25 s at 3 MiB, 1.15 s at 6, 1.19–1.29 s from
 * 12 to 48; with six times its WARN records 2.81–2.86 s at 3 MiB (a collection every MiB copied
 * the records still in use), 2.19–2.27 s at 6, 2.17–2.29 s from 16 to 32. Peak RSS of two
 * lanes alike (140–150 MiB on the bench log).
 */
export const WORKER_YOUNG_MB = 6;
/**
 * Old generation of a worker's heap (MiB). Set explicitly so that a lane's heap does not grow
 * with the machine's memory (V8 sizes its default from it). What a lane keeps is bounded (the
 * detector's fact tails and unknown groups, one task's results); the scan's heap budget
 * (heap.ts) collects well before this; the limit stops a runaway, it is not a working size.
 */
export const WORKER_OLD_MB = 96;

/** The heap limits every scan worker starts with. */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: WORKER_YOUNG_MB, maxOldGenerationSizeMb: WORKER_OLD_MB };

/** True when the built worker script is available (not when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

/** Settings every task of a lane's worker shares. */
export interface WorkerSetup {
  role: 'lane';
  patternDirs: string[];
  detector: DetectorOptions;
  heapBudget?: number;
  /** Inflated bytes allowed per compressed member (DiagnoseOptions.maxInflated). */
  maxInflated?: number;
}

/**
 * What a lane's worker starts with: the lane's settings, every task of the scan, and the queue
 * the lanes take them from (see takeTask). A lane that finishes a task takes the next one itself,
 * without waiting for the main thread, which may be scanning a task of its own.
 */
export interface LaneWork extends WorkerSetup {
  tasks: WorkerTask[];
  queue: SharedArrayBuffer;
}

/** Int32 slots of a task queue before its order (see taskQueue); Order is where the order starts. */
const enum Slot {
  Lock,
  Next,
  Count,
  Merged,
  Finished,
  Window,
  Order,
}

/**
 * The queue of a scan's tasks shared by its lanes, in the order they are taken when nothing waits
 * (largest first), and the window of results that may wait to be merged. Int32 slots: 0 a lock,
 * 1 the position in the order of the next task, 2 the number of tasks, 3 the tasks merged so far
 * (the merge is in task id order), 4 the tasks finished (their results posted or handed on),
 * 5 the window; then the order, then a taken flag per task id.
 */
export function taskQueue(order: readonly number[], window: number): SharedArrayBuffer {
  const n = order.length;
  const queue = new SharedArrayBuffer(4 * (Slot.Order + 2 * n));
  const q = new Int32Array(queue);
  q[Slot.Count] = n;
  q[Slot.Window] = Math.max(1, window);
  q.set(order, Slot.Order);
  return queue;
}

/**
 * Takes the next task of a shared queue (taskQueue): its id, or -1 when none is left. A lane takes
 * the next task of the queue's order, unless as many results as the window wait to be merged:
 * then the first task in merge order not yet taken, the one the merge waits for or the nearest
 * after it. So results wait for their merge in memory only a window's worth at a time, whatever the
 * order of the queue, and no lane ever waits: there is always a task to take until none is left.
 */
export function takeTask(queue: Int32Array): number {
  while (Atomics.compareExchange(queue, Slot.Lock, 0, 1) !== 0);
  try {
    const n = queue[Slot.Count]!;
    const taken = Slot.Order + n;
    if (queue[Slot.Finished]! - queue[Slot.Merged]! >= queue[Slot.Window]!) {
      for (let id = queue[Slot.Merged]!; id < n; id++) {
        if (queue[taken + id] === 0) {
          queue[taken + id] = 1;
          return id;
        }
      }
      return -1;
    }
    for (let k = queue[Slot.Next]!; k < n; k++) {
      const id = queue[Slot.Order + k]!;
      if (queue[taken + id] !== 0) continue;
      queue[taken + id] = 1;
      queue[Slot.Next] = k + 1;
      return id;
    }
    queue[Slot.Next] = n;
    return -1;
  } finally {
    Atomics.store(queue, Slot.Lock, 0);
  }
}

/** Counts a task finished: its result posted or handed on, waiting for its merge (takeTask's window). */
export function finishTask(queue: Int32Array): void {
  Atomics.add(queue, Slot.Finished, 1);
}

/** Notes how many tasks (in task id order) were merged so far. */
export function noteMerged(queue: Int32Array, merged: number): void {
  Atomics.store(queue, Slot.Merged, merged);
}

/** A task a lane runs. */
export interface WorkerTask {
  id: number;
  name: string;
  path: string;
  range: ByteRange | null;
}

/** What a worker posts for a task. */
export interface WorkerReply {
  id: number;
  state: DetectorState;
  stopped: boolean;
}

/**
 * What the calling thread's lane returns for a task it scanned straight into the merged result,
 * as one thread would (every task before it had been merged): nothing is left to merge. `sources`:
 * the merged result's sources the task read into.
 */
export interface MergedReply {
  id: number;
  sources: number[];
  stopped: boolean;
}

/** A task's reply as the pool hands it on: a lane's results to merge, or a task already merged. */
export type LaneReply = WorkerReply | MergedReply;

/** From the calling thread to a lane's worker: stop the scan (Ctrl-C), or leave: take no further task (memory). */
export type ToLane = { abort: true } | { leave: true };

/** From a lane's worker: a task's reply, or, once told to leave, that it takes no further task. */
export type FromLane = WorkerReply | { left: true };

/** What the detecting worker of a pipeline needs. */
export interface PipelineSetup {
  role: 'pipeline';
  patternDirs: string[];
  /** The literals records name, by index (the problem prefilter's, a superset of the prefilter's). */
  literals: string[];
  detector: DetectorOptions;
  heapBudget?: number;
  /** One Int32 set to 1 by the scanning thread on Ctrl-C: the worker skips the records still queued. */
  stop?: SharedArrayBuffer;
}

