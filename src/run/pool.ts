// Runs scan tasks on worker threads and hands their results to the caller strictly in task
// order (a later task's result waits until the earlier ones were handed on), so the diagnosis
// does not depend on timing. The tasks wait in one shared queue, largest first, that every lane
// takes from itself (protocol.ts, takeTask): whichever lane is free takes the next one, at once,
// so no lane idles while another still has a large file ahead of it, and none waits for the main
// thread (scanning a task of its own, or merging another lane's result) to be handed its next.
// Once as many results as lanes wait for their merge, lanes take the tasks in merge
// order instead, so the results held in memory stay bounded.

import { Worker } from 'node:worker_threads';
import { workerStarted } from './heap.js';
import { WORKER_LIMITS, WORKER_URL, finishTask, noteMerged, takeTask, taskQueue, type LaneWork, type WorkerReply, type WorkerSetup, type WorkerTask } from './protocol.js';

/**
 * Runs `tasks` on `n` lanes — the calling thread (through `local`, when given) and worker threads
 * for the rest — and hands each task's reply to `deliver` in task order. The calling thread takes
 * a share of the work instead of waiting: one worker fewer to start, one thread fewer competing.
 * With `sizes` (each task's bytes), the tasks are taken largest first. Returns the number of
 * lanes that ran.
 */
export async function runPool(
  tasks: Omit<WorkerTask, 'id'>[],
  setup: WorkerSetup,
  n: number,
  deliver: (task: number, reply: WorkerReply) => void,
  signal?: AbortSignal,
  local?: (task: Omit<WorkerTask, 'id'>, id: number) => Promise<WorkerReply>,
  sizes?: number[],
): Promise<number> {
  // The shared queue: task indexes in the order lanes take them.
  const order = tasks.map((_, i) => i);
  if (sizes) order.sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0) || a - b);
  const lanes = Math.min(n, tasks.length);
  // Results that may wait for their merge before lanes take tasks in merge order: one per lane.
  const queue = taskQueue(order, lanes);
  const queued = new Int32Array(queue);
  const replies: (WorkerReply | undefined)[] = tasks.map(() => undefined);
  let current = 0;
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => workers.forEach((w) => w.postMessage({ abort: true }));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (err?: Error): void => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const receive = (r: WorkerReply): void => {
        replies[r.id] = r;
        while (current < tasks.length && replies[current]) {
          deliver(current, replies[current]!);
          replies[current] = undefined;
          current++;
        }
        noteMerged(queued, current);
        if (current >= tasks.length) done();
      };
      const workerCount = local ? lanes - 1 : lanes;
      if (workerCount > 0) {
        const work: LaneWork = { ...setup, tasks: tasks.map((t, id) => ({ ...t, id })), queue };
        for (let i = 0; i < workerCount; i++) {
          const w = new Worker(WORKER_URL, { workerData: work, resourceLimits: WORKER_LIMITS });
          workers.push(w);
          w.once('online', workerStarted);
          w.on('message', receive);
          w.on('error', (e) => done(e));
        }
      }
      if (local && lanes > 0) {
        // The calling thread's lane: takes the next task from the front of the queue whenever it
        // has finished one, as the workers do (after an abort too: a task started with an aborted
        // signal ends at once, and every task must reply). The front, not the back: results are
        // merged in task order, and the results of tasks taken from the back would all be held in
        // memory until the front reached them.
        void (async () => {
          for (let id = takeTask(queued); id >= 0; id = takeTask(queued)) {
            const reply = await local(tasks[id]!, id);
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
  return lanes;
}
