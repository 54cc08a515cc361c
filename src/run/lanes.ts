// One task scanned and detected on a detector of its own, whose results are returned as plain
// data: what a lane's worker does with each task, and what the calling thread does with its share.

import type { InputWarning } from '../model.js';
import type { DetectionSetup } from '../setup.js';
import { fileInput, runTask, type TaskContext } from './task.js';
import { exportState, TaskFeeder } from './merge.js';
import type { WorkerReply, WorkerTask } from './protocol.js';

export async function detectTask(task: Omit<WorkerTask, 'id'>, id: number, setup: DetectionSetup, ctx: TaskContext): Promise<WorkerReply> {
  const detector = setup.detector();
  const warnings: InputWarning[] = [];
  const feeder = new TaskFeeder(detector, warnings);
  await runTask(fileInput(task.name, task.path), task.range, ctx, (msg) => feeder.take(msg));
  return { id, state: exportState(detector, warnings), stopped: feeder.stopped || ctx.signal?.aborted === true };
}
