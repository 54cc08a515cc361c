// Scan worker, in one of two roles. A lane runs whole tasks — a file, or a byte range of a large
// plain file — off the main thread: scanning, parsing and detection (facts, patterns, unknown
// problems), and posts each task's detector results as plain data. The detecting stage of a
// pipeline (pipeline.ts) parses and detects the records the main thread scans. The main thread
// merges the results (merge.ts) and correlates.

import { parentPort, workerData } from 'node:worker_threads';
import { loadPatterns } from '../detect/pattern.js';
import { detectionSetup } from '../setup.js';
import { finishTask, takeTask, type FromLane, type LaneWork, type PipelineSetup, type ToLane, type WorkerReply } from './protocol.js';
import { detectTask } from './lanes.js';
import { detectInWorker } from './pipeline.js';
import { inflateBudget } from '../input/members.js';

if (parentPort && (workerData as PipelineSetup).role === 'pipeline') {
  const setup = workerData as PipelineSetup;
  detectInWorker(setup, detectionSetup(loadPatterns(setup.patternDirs), setup.detector, setup.patternDirs));
} else if (parentPort) {
  const data = workerData as LaneWork;
  const setup = detectionSetup(loadPatterns(data.patternDirs), data.detector, data.patternDirs);
  const controller = new AbortController();
  const port = parentPort;
  // This lane's share of the scan's inflated bytes is counted here.
  const budget = inflateBudget(data.maxInflated);
  const ctx = { prefilter: setup.prefilter, problemPrefilter: setup.problemPrefilter, everyRecord: setup.everyRecord, signal: controller.signal, syncReads: true, inflateBudget: budget, ...(data.maxInflated ? { maxInflated: data.maxInflated } : {}), ...(data.heapBudget ? { heapBudget: data.heapBudget } : {}) };
  // Told to leave (the process is over its memory budget: pool.ts), the lane takes no further task
  // after the one it is scanning, and ends.
  let leave = false;
  port.on('message', (m: ToLane) => {
    if ('abort' in m) controller.abort();
    else leave = true;
  });
  // Task after task from the shared queue until it is empty (after an abort too: a task started
  // with an aborted signal ends at once, and every task must reply). An error ends the worker
  // with it, which fails the scan (pool.ts).
  const queue = new Int32Array(data.queue);
  void (async () => {
    for (let id = takeTask(queue); id >= 0; id = leave ? -1 : takeTask(queue)) {
      const reply: WorkerReply = await detectTask(data.tasks[id]!, id, setup, ctx);
      finishTask(queue);
      port.postMessage(reply satisfies FromLane);
    }
    if (leave) port.postMessage({ left: true } satisfies FromLane);
  })().catch((e: unknown) => {
    setImmediate(() => {
      throw e;
    });
  });
}
