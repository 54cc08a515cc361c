// One task scanned and detected on its own detector, whose results are returned as plain data:
// what a scan worker does with each task, and what the calling thread does with its share.

import type { InputWarning } from '../model.js';
import { Detector, TaskFeeder, type DetectorOptions } from '../detect/detector.js';
import type { Pattern } from '../detect/pattern.js';
import { fileInput, runTask, type TaskContext } from './task.js';
import type { WorkerReply, WorkerTask } from './worker.js';

export async function detectTask(task: Omit<WorkerTask, 'id'>, id: number, patterns: Pattern[], options: DetectorOptions, ctx: TaskContext): Promise<WorkerReply> {
  const detector = new Detector(patterns, options);
  const warnings: InputWarning[] = [];
  const feeder = new TaskFeeder(detector, warnings);
  await runTask(fileInput(task.name, task.path), task.range, ctx, (msg) => feeder.take(msg));
  return { id, state: detector.exportState(warnings), stopped: feeder.stopped || ctx.signal?.aborted === true };
}
