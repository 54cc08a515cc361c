// Runs scan tasks on worker threads and hands their results to the caller strictly in task
// order (a later task's result waits until the earlier ones were handed on), so the diagnosis
// does not depend on timing. The tasks wait in one shared queue, largest first, that every lane
// takes from itself (protocol.ts, takeTask): whichever lane is free takes the next one, at once,
// so no lane idles while another still has a large file ahead of it, and none waits for the main
// thread (scanning a task of its own, or merging another lane's result) to be handed its next.
// Once as many results as lanes wait for their merge, lanes take the tasks in merge
// order instead, so the results held in memory stay bounded; past the process's memory budget,
// worker lanes stop one by one.

import { Worker } from 'node:worker_threads';
import { workerStarted } from './heap.js';
import { WORKER_LIMITS, WORKER_URL, finishTask, noteMerged, takeTask, taskQueue, type FromLane, type LaneReply, type LaneWork, type ToLane, type WorkerSetup, type WorkerTask } from './protocol.js';

/** How a pool runs its tasks. */
export interface PoolOptions {
  /** Lanes: the calling thread's (with `local`) and worker threads for the rest. */
  lanes: number;
  /** Receives each task's reply, in task order. */
  deliver: (task: number, reply: LaneReply) => void;
  signal?: AbortSignal;
  /**
   * Runs a task on the calling thread: it is a lane too, one worker fewer to start. `next`: every
   * task before it has been delivered (and none is delivered until it returns), so it may be
   * scanned straight into the merged result (a MergedReply).
   */
  local?: (task: Omit<WorkerTask, 'id'>, id: number, next: boolean) => Promise<LaneReply>;
  /** Each task's weight (bytes): the tasks are taken heaviest first. */
  sizes?: number[];
  /**
   * The process's memory budget (bytes, --max-memory). Each time results were merged, the
   * process's resident memory is compared with it; past it, one worker lane stops after its task
   * and its thread ends, then the next, until the scan fits or only the calling thread's lane is
   * left (the last worker too when there is no such lane). A log full of failures makes a lane's
   * results far larger than the lane cost the plan was priced with.
   */
  maxMemory?: number;
  /** Resident memory of the process in bytes (process.memoryUsage.rss unless a test sets it). */
  rss?: () => number;
}

/** What a pool did: the lanes that ran, and the worker lanes stopped for memory (PoolOptions.maxMemory). */
export interface PoolRun {
  lanes: number;
  stoppedForMemory: number;
}

/**
 * Runs `tasks` on lanes — the calling thread (through `local`, when given) and worker threads for
 * the rest — and hands each task's reply to `deliver` in task order.
 */
export async function runPool(tasks: Omit<WorkerTask, 'id'>[], setup: WorkerSetup, opts: PoolOptions): Promise<PoolRun> {
  const { deliver, signal, local, sizes, maxMemory } = opts;
  const rss = opts.rss ?? process.memoryUsage.rss;
  // The shared queue: task indexes in the order lanes take them.
  const order = tasks.map((_, i) => i);
  if (sizes) order.sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0) || a - b);
  const lanes = Math.min(opts.lanes, tasks.length);
  // Results that may wait for their merge before lanes take tasks in merge order: one per lane.
  const queue = taskQueue(order, lanes);
  const queued = new Int32Array(queue);
  const replies: (LaneReply | undefined)[] = tasks.map(() => undefined);
  let current = 0;
  const workers: Worker[] = [];
  // Workers still taking tasks, the latest started last; the one told to leave, until its thread ended.
  const taking: Worker[] = [];
  let leaving: Worker | null = null;
  let stoppedForMemory = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => workers.forEach((w) => w.postMessage({ abort: true } satisfies ToLane));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (err?: Error): void => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const governMemory = (): void => {
        if (maxMemory === undefined || leaving !== null || taking.length === (local ? 0 : 1)) return;
        if (rss() <= maxMemory) return;
        leaving = taking.pop()!;
        leaving.postMessage({ leave: true } satisfies ToLane);
      };
      const receive = (r: LaneReply): void => {
        replies[r.id] = r;
        while (current < tasks.length && replies[current]) {
          deliver(current, replies[current]!);
          replies[current] = undefined;
          current++;
        }
        noteMerged(queued, current);
        if (current >= tasks.length) done();
        else governMemory();
      };
      const left = (w: Worker): void => {
        // Its last reply came before this message: the thread and its heap can go.
        stoppedForMemory++;
        void w.terminate().then(() => {
          if (leaving === w) leaving = null;
        });
      };
      const workerCount = local ? lanes - 1 : lanes;
      if (workerCount > 0) {
        const work: LaneWork = { ...setup, tasks: tasks.map((t, id) => ({ ...t, id })), queue };
        for (let i = 0; i < workerCount; i++) {
          const w = new Worker(WORKER_URL, { workerData: work, resourceLimits: WORKER_LIMITS });
          workers.push(w);
          taking.push(w);
          w.once('online', workerStarted);
          w.on('message', (m: FromLane) => ('left' in m ? left(w) : receive(m)));
          w.on('error', (e) => done(e));
        }
      }
      if (local && lanes > 0) {
        // The calling thread's lane: takes the next task from the front of the queue whenever it
        // has finished one, as the workers do (after an abort too: a task started with an aborted
        // signal ends at once, and every task must reply). The front, not the back: results are
        // merged in task order, and the results of tasks taken from the back would all be held in
        // memory until the front reached them. A task whose turn to be merged has come is scanned
        // straight into the merged result: no results of its own to hold, export and merge.
        void (async () => {
          for (let id = takeTask(queued); id >= 0; id = takeTask(queued)) {
            const reply = await local(tasks[id]!, id, id === current);
            finishTask(queued);
            receive(reply);
          }
        })().catch((e: Error) => done(e));
      }
      if (tasks.length === 0) done();
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { lanes, stoppedForMemory };
}
