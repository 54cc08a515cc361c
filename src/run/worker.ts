// Scan worker, in one of two roles. A lane runs whole tasks — a file, or a byte range of a large
// plain file — off the main thread: scanning, parsing and detection (facts, patterns, unknown
// problems), and posts each task's detector results as plain data. The detecting stage of a
// pipeline (pipeline.ts) parses and detects the records the main thread scans. The main thread
// merges the results (merge.ts) and correlates.

import { parentPort, workerData } from 'node:worker_threads';
import { loadPatterns } from '../detect/pattern.js';
import { detectionSetup } from '../setup.js';
import type { PipelineSetup, WorkerReply, WorkerSetup, WorkerTask } from './protocol.js';
import { detectTask } from './lanes.js';
import { detectInWorker } from './pipeline.js';
import { inflateBudget } from '../input/members.js';

if (parentPort && (workerData as PipelineSetup).role === 'pipeline') {
  const setup = workerData as PipelineSetup;
  detectInWorker(setup, detectionSetup(loadPatterns(setup.patternDirs), setup.detector, setup.patternDirs));
} else if (parentPort) {
  const data = workerData as WorkerSetup;
  const setup = detectionSetup(loadPatterns(data.patternDirs), data.detector, data.patternDirs);
  const controller = new AbortController();
  const port = parentPort;
  let queue = Promise.resolve();
  // This lane's share of the scan's inflated bytes is counted here.
  const budget = inflateBudget(data.maxInflated);
  const ctx = { prefilter: setup.prefilter, problemPrefilter: setup.problemPrefilter, everyRecord: setup.everyRecord, signal: controller.signal, syncReads: true, inflateBudget: budget, ...(data.maxInflated ? { maxInflated: data.maxInflated } : {}), ...(data.heapBudget ? { heapBudget: data.heapBudget } : {}) };
  port.on('message', (m: WorkerTask | { abort: true }) => {
    if ('abort' in m) {
      controller.abort();
      return;
    }
    queue = queue.then(async () => {
      port.postMessage((await detectTask(m, m.id, setup, ctx)) satisfies WorkerReply);
    });
  });
}
