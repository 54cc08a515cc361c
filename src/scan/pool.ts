// Runs scan tasks on worker threads and hands their results to the caller strictly in task
// order (a later task's result waits until the earlier ones were handed on), so the diagnosis
// does not depend on timing. The tasks wait in one shared queue, largest first: whichever lane is
// free takes the next one, so no lane idles while another still has a large file ahead of it.

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerSetup, WorkerTask } from './worker.js';

// The worker's bundle (scripts/bundle.mjs), found from this module or from the start-up bundle in
// dist/cli/.
export const WORKER_URL = new URL('../scan/worker.bundle.js', import.meta.url);

/**
 * Young generation of a worker's heap (MiB). V8's default lets a new thread's young generation
 * grow to 32 MiB; a scan's short-lived objects (records, events) die young in an eighth of that
 * (measured: no slower), and each lane costs 25 MiB less resident memory.
 */
export const WORKER_YOUNG_MB = 12;
/**
 * Old generation of a worker's heap (MiB). Set explicitly so that a lane's heap does not grow
 * with the machine's memory (V8 sizes its default from it). What a lane keeps is bounded (the
 * detector's fact tails and unknown groups, one task's results); the scan's heap budget
 * (scan/heap.ts) collects well before this; the limit stops a runaway, it is not a working size.
 */
export const WORKER_OLD_MB = 96;

/** The heap limits every scan worker starts with. */
export const WORKER_LIMITS = { maxYoungGenerationSizeMb: WORKER_YOUNG_MB, maxOldGenerationSizeMb: WORKER_OLD_MB };

/** True when the built worker script is available (not when running from TypeScript sources). */
export function workersAvailable(): boolean {
  return existsSync(fileURLToPath(WORKER_URL));
}

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
  const queue = tasks.map((_, i) => i);
  if (sizes) queue.sort((a, b) => (sizes[b] ?? 0) - (sizes[a] ?? 0) || a - b);
  const replies: (WorkerReply | undefined)[] = tasks.map(() => undefined);
  let current = 0;
  let next = 0;
  const workers: Worker[] = [];
  const lanes = Math.min(n, tasks.length);
  try {
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => workers.forEach((w) => w.postMessage({ abort: true }));
      signal?.addEventListener('abort', onAbort, { once: true });
      const done = (err?: Error): void => {
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve();
      };
      const dispatch = (w: Worker): void => {
        if (next >= tasks.length) return;
        const id = queue[next++]!;
        w.postMessage({ ...tasks[id]!, id } satisfies WorkerTask);
      };
      const receive = (r: WorkerReply): void => {
        replies[r.id] = r;
        while (current < tasks.length && replies[current]) {
          deliver(current, replies[current]!);
          replies[current] = undefined;
          current++;
        }
        if (current >= tasks.length) done();
      };
      for (let i = local ? 1 : 0; i < lanes; i++) {
        const w = new Worker(WORKER_URL, { workerData: setup, resourceLimits: WORKER_LIMITS });
        workers.push(w);
        w.on('message', (r: WorkerReply) => {
          dispatch(w);
          receive(r);
        });
        w.on('error', (e) => done(e));
        dispatch(w);
      }
      if (local && lanes > 0) {
        // The calling thread's lane: takes the next task whenever it has finished one (after an
        // abort too: a task started with an aborted signal ends at once, and every task must reply).
        void (async () => {
          while (next < tasks.length) {
            const id = queue[next++]!;
            receive(await local(tasks[id]!, id));
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
