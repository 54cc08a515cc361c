// Execution: runs an execution plan (plan.ts) over the inputs with a detection setup and returns
// what was detected, as plain data. The tasks run on the calling thread one after the other, or
// in a pipeline (the calling thread scans, a worker detects: pipeline.ts), or on lanes (worker
// threads and the calling thread, each task on a detector of its own: pool.ts, lanes.ts) whose
// results are merged in task order (merge.ts), a later byte range of a file continuing its source
// and line numbers. Whatever the plan, the result is the same.

import type { InputWarning, Signal, SourceInfo } from '../model.js';
import type { Facts } from '../detect/facts.js';
import type { SignalTally } from '../detect/thinning.js';
import type { UnknownCollector } from '../unknown/groups.js';
import { inflateBudget } from '../input/members.js';
import type { InputSource } from '../input/sources.js';
import type { DetectionSetup } from '../setup.js';
import { queueWeights, type ExecutionPlan } from './plan.js';
import { fileInput, runTask, type TaskContext } from './task.js';
import { runPool } from './pool.js';
import { Pipeline } from './pipeline.js';
import { heapSettle } from './heap.js';
import { detectTask } from './lanes.js';
import { mergeState, TaskFeeder } from './merge.js';

/** How far a scan has got. */
export interface Progress {
  source: string;
  bytesDone: number;
  /** Total size of the input files on disk (compressed sizes for gzip; 0 for stdin). */
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface RunControl {
  /** Stops the scan early (Ctrl-C); the result is marked interrupted. */
  signal?: AbortSignal;
  /** Progress: bytes read so far (after gzip inflation), of the input files' total size; files done. */
  onProgress?: (p: Progress) => void;
  /** Inflated bytes allowed per compressed member (input/members.ts). */
  maxInflated?: number;
}

/** What the detection found in the inputs, every source finished (role, version, hosts). */
export interface Detected {
  sources: SourceInfo[];
  facts: Facts;
  /** The signals whose pattern applies to their source's Flink version. */
  signals: Signal[];
  /** Signals counted but not kept, by pattern. */
  tallies: Map<string, SignalTally>;
  unknown: UnknownCollector;
  events: number;
  /** What could not be read, or was read only in part. */
  warnings: InputWarning[];
  /** The scan stopped before the end of its inputs. */
  interrupted: boolean;
  /** Threads that scanned or detected. */
  threads: number;
  /** Worker lanes stopped before the end of the scan because the process went past its memory budget (pool.ts). */
  lanesStopped: number;
}

/** Detects in `inputs` with `setup`, as `plan` says. */
export async function runDetection(inputs: InputSource[], setup: DetectionSetup, plan: ExecutionPlan, control: RunControl = {}): Promise<Detected> {
  const { tasks } = plan;
  const { signal, onProgress } = control;
  const detector = setup.detector();
  const warnings: InputWarning[] = [];
  let interrupted = false;
  let lanesStopped = 0;
  let bytesDone = 0;
  let doneBefore = 0;
  // The source of each file split into byte ranges, and the lines its ranges held so far.
  const rangeSource = new Map<string, number>();
  const rangeLines = new Map<string, number>();
  const continuing = (t: number): { source: number | null; offset: number } => {
    const task = tasks[t]!;
    if (!task.range || task.range.index === 0) return { source: null, offset: 0 };
    return { source: rangeSource.get(task.input.name) ?? null, offset: rangeLines.get(task.input.name) ?? 0 };
  };
  const afterTask = (t: number, sourcesOfTask: number[]): void => {
    const task = tasks[t]!;
    if (task.range) {
      const i = sourcesOfTask[0];
      if (i !== undefined) {
        if (task.range.index === 0) rangeSource.set(task.input.name, i);
        rangeLines.set(task.input.name, detector.sources[i]!.lines);
      }
    }
    bytesDone = Math.max(bytesDone, doneBefore + sourcesOfTask.reduce((a, i) => a + (detector.sources[i]?.bytes ?? 0), 0));
    doneBefore = bytesDone;
    onProgress?.({ source: task.input.name, bytesDone, bytesTotal: plan.inputBytes, filesDone: t + 1, filesTotal: tasks.length });
  };

  const heapBudget = plan.heapBudget;
  const ctx = {
    prefilter: setup.prefilter,
    problemPrefilter: setup.problemPrefilter,
    everyRecord: setup.everyRecord,
    // Lanes read on their own threads: every core is busy scanning (input/read.ts).
    syncReads: plan.mode === 'lanes',
    ...(control.maxInflated ? { maxInflated: control.maxInflated } : {}),
    inflateBudget: inflateBudget(control.maxInflated),
    ...(signal ? { signal } : {}),
    ...(heapBudget ? { heapBudget } : {}),
  };
  /** Scans task `t` (read from `input`) straight into the merged detector, as one thread does: the merged sources it read, and whether it stopped. */
  const scanMerged = async (t: number, input: InputSource, taskCtx: TaskContext): Promise<{ sources: number[]; stopped: boolean }> => {
    const c = continuing(t);
    const feeder = new TaskFeeder(detector, warnings, c.source, c.offset);
    await runTask(input, tasks[t]!.range, taskCtx, (msg) => feeder.take(msg));
    return { sources: [...new Set(feeder.members.values())], stopped: feeder.stopped };
  };
  const patternDirs = setup.patternDirs ?? [];
  if (plan.mode === 'lanes') {
    const pool = await runPool(
      tasks.map((t) => ({ name: t.input.name, path: t.input.path!, range: t.range })),
      { role: 'lane', patternDirs, detector: setup.options, ...(heapBudget ? { heapBudget } : {}), ...(control.maxInflated ? { maxInflated: control.maxInflated } : {}) },
      {
        lanes: plan.lanes,
        deliver: (t, reply) => {
          if (reply.stopped) interrupted = true;
          if ('sources' in reply) {
            afterTask(t, reply.sources);
            return;
          }
          const c = continuing(t);
          const map = mergeState(detector, reply.state, c.source, c.offset);
          for (const w of reply.state.warnings) warnings.push(w);
          afterTask(t, [...new Set(map)]);
        },
        ...(signal ? { signal } : {}),
        local: async (task, id, next) => {
          if (!next) return detectTask(task, id, setup, ctx);
          // Every task before it is merged: scanned into the merged result as on one thread.
          const r = await scanMerged(id, fileInput(task.name, task.path), ctx);
          return { id, sources: r.sources, stopped: r.stopped || signal?.aborted === true };
        },
        sizes: queueWeights(tasks),
        maxMemory: plan.maxMemory,
      },
    );
    lanesStopped = pool.stoppedForMemory;
    if (signal?.aborted) interrupted = true;
  } else {
    const pipeline = plan.mode === 'pipeline' ? Pipeline.start({ role: 'pipeline', patternDirs, literals: setup.problemPrefilter.literals as string[], detector: setup.options, ...(heapBudget ? { heapBudget } : {}) }, signal) : null;
    let current = 0;
    const onBytes = (n: number): void => {
      bytesDone += n;
      pipeline?.onBytes(n);
      onProgress?.({ source: tasks[current]!.input.name, bytesDone, bytesTotal: plan.inputBytes, filesDone: current, filesTotal: tasks.length });
    };
    const taskCtx = { ...ctx, raw: pipeline !== null, ...(pipeline ? { pace: () => pipeline.pace() } : {}), ...(onProgress || pipeline ? { onBytes } : {}) };
    try {
      for (let t = 0; t < tasks.length; t++) {
        current = t;
        if (signal?.aborted) {
          interrupted = true;
          break;
        }
        if (pipeline) {
          await runTask(tasks[t]!.input, tasks[t]!.range, taskCtx, (msg) => pipeline.take(t, msg));
          onProgress?.({ source: tasks[t]!.input.name, bytesDone, bytesTotal: plan.inputBytes, filesDone: t + 1, filesTotal: tasks.length });
          if (pipeline.stopped) {
            interrupted = true;
            break;
          }
          continue;
        }
        const r = await scanMerged(t, tasks[t]!.input, taskCtx);
        afterTask(t, r.sources);
        if (r.stopped) {
          interrupted = true;
          break;
        }
      }
      if (pipeline) {
        const state = await pipeline.finish();
        // A stop asked for while the worker detected the last records still marks the result.
        if (signal?.aborted) interrupted = true;
        mergeState(detector, state, null, 0);
        for (const w of state.warnings) warnings.push(w);
      }
    } catch (e) {
      await pipeline?.abandon();
      throw e;
    }
  }
  for (let i = 0; i < detector.sources.length; i++) detector.finishSource(i);
  // What comes next is built on a heap that holds what the scan kept, not what it threw away
  // (the lanes are done: the whole budget is this thread's again).
  if (plan.settleBudget) heapSettle(plan.settleBudget);
  detector.facts.settle();
  const tallies = detector.tallies();
  if (signal?.aborted) interrupted = true;
  return {
    sources: detector.sources,
    facts: detector.facts,
    signals: detector.applicableSignals(),
    tallies,
    unknown: detector.unknown,
    events: detector.events,
    warnings,
    interrupted,
    threads: plan.lanes,
    lanesStopped,
  };
}
