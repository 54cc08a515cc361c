// Scan worker, in one of two roles. A lane runs whole tasks — a file, or a byte range of a large
// plain file — off the main thread: scanning, parsing and detection (facts, patterns, unknown
// problems), and posts each task's detector results as plain data. The detecting stage of a
// pipeline (pipeline.ts) parses and detects the records the main thread scans. The main thread
// merges the results and correlates.

import { parentPort, workerData } from 'node:worker_threads';
import type { DetectorOptions, DetectorState } from '../detect/detector.js';
import { loadPatterns } from '../detect/pattern.js';
import { buildPrefilter, lazyPrefilter } from './prefilter.js';
import type { ByteRange } from './task.js';
import { detectTask } from './lane.js';
import { detectInWorker, type PipelineSetup } from './pipeline.js';
import { inflateBudget } from '../input/members.js';

/** Settings every task of a worker shares. */
export interface WorkerSetup {
  role: 'lane';
  patternDirs: string[];
  literals: string[];
  problemLiterals: string[];
  everyRecord: boolean;
  detector: DetectorOptions;
  heapBudget?: number;
  /** Inflated bytes allowed per compressed member (DiagnoseOptions.maxInflated). */
  maxInflated?: number;
}

/** A task sent to a worker. */
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

if (parentPort && (workerData as PipelineSetup).role === 'pipeline') {
  const setup = workerData as PipelineSetup;
  detectInWorker(setup, loadPatterns(setup.patternDirs));
} else if (parentPort) {
  const setup = workerData as WorkerSetup;
  const patterns = loadPatterns(setup.patternDirs);
  const prefilter = buildPrefilter(setup.literals);
  const problemPrefilter = lazyPrefilter(setup.problemLiterals);
  const controller = new AbortController();
  const port = parentPort;
  let queue = Promise.resolve();
  // This lane's share of the scan's inflated bytes is counted here.
  const budget = inflateBudget(setup.maxInflated);
  port.on('message', (m: WorkerTask | { abort: true }) => {
    if ('abort' in m) {
      controller.abort();
      return;
    }
    queue = queue.then(async () => {
      const ctx = { prefilter, problemPrefilter, everyRecord: setup.everyRecord, signal: controller.signal, syncReads: true, inflateBudget: budget, ...(setup.maxInflated ? { maxInflated: setup.maxInflated } : {}), ...(setup.heapBudget ? { heapBudget: setup.heapBudget } : {}) };
      port.postMessage((await detectTask(m, m.id, patterns, setup.detector, ctx)) satisfies WorkerReply);
    });
  });
}
