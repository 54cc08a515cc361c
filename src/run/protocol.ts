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
 * Young generation of a worker's heap (MiB): 1 MiB semi-spaces (the main thread's grows to 4 MiB
 * ones for a scan: run/heap.ts). V8's default lets a new thread's young generation grow to 32 MiB;
 * a scan's short-lived objects (records, events) die young in a tenth of that. Measured on two
 * cores, one worker scanning six 64 MiB ranges of the bench log, three runs each: 0.83–0.93 s of
 * processor time at 3 MiB, 0.91–1.01 s at 12 MiB; its new space 2 MiB instead of 8 MiB.
 */
export const WORKER_YOUNG_MB = 3;
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

/**
 * The queue of a scan's tasks shared by its lanes, taken from both ends: Int32 0 is a lock, 1 the
 * position of the next task taken from the front, 2 the position after the last one left at the
 * back, 3 + k the id of the k-th task.
 */
export function taskQueue(order: readonly number[]): SharedArrayBuffer {
  const queue = new SharedArrayBuffer(4 * (order.length + 3));
  const q = new Int32Array(queue);
  q[2] = order.length;
  q.set(order, 3);
  return queue;
}

/**
 * Takes the next task of a shared queue (taskQueue), from its front or, with `fromBack`, its back:
 * its id, or -1 when none is left. The worker lanes take from the front, in task order where the
 * tasks are byte ranges of one file; the main thread, which also merges the results in task
 * order, takes from the back, so that the results of the front wait for no task of its own.
 */
export function takeTask(queue: Int32Array, fromBack = false): number {
  while (Atomics.compareExchange(queue, 0, 0, 1) !== 0);
  try {
    const front = queue[1]!;
    const back = queue[2]!;
    if (front >= back) return -1;
    if (fromBack) {
      queue[2] = back - 1;
      return queue[3 + back - 1]!;
    }
    queue[1] = front + 1;
    return queue[3 + front]!;
  } finally {
    Atomics.store(queue, 0, 0);
  }
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

