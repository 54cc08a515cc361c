// The library entry point: diagnose(sources, options) runs input → scan → parse → detect →
// correlate and returns a Diagnosis. Scanning and detection run on the calling thread, or with
// `workers` on lanes (the calling thread and worker threads; files spread over them, a large
// plain file split into byte ranges), each task on a detector of its own whose results are merged
// in task order. Correlation runs on the calling thread. It never prints and never exits.

import { open as openFile, stat } from 'node:fs/promises';
import type { Diagnosis, InputWarning } from './model.js';
import { severityRank } from './model.js';
import { resolveInputs, type InputSource, type ResolveOptions } from './input/sources.js';
import { inflateBudget, sniffPlain } from './input/members.js';
import { buildPrefilter, lazyPrefilter } from './scan/prefilter.js';
import { runTask, type ByteRange } from './scan/task.js';
import { runPool, workersAvailable } from './scan/pool.js';
import { Pipeline } from './scan/pipeline.js';
import { heapSettle } from './scan/heap.js';
import { splitRanges } from './scan/range.js';
import { AUTO_PIPELINE_MIN_BYTES, DEFAULT_MAX_MEMORY, planLanes, usableCores } from './scan/plan.js';
import { detectTask } from './scan/lane.js';
import { Detector, PROBLEM_LITERALS, TaskFeeder, scanLiterals } from './detect/detector.js';
import { loadPatterns, BUILTIN_PATTERN_DIR, type Pattern } from './detect/pattern.js';
import { correlate } from './correlate/correlate.js';
import { applyIgnores, type IgnoreRule } from './ignore.js';
import { MAX_GROUPS } from './unknown/groups.js';
import { FACT_TAIL } from './detect/facts.js';
import { jobUnstableFindings } from './unknown/job-unstable.js';
import { coverage } from './coverage.js';
import { attributeRocksDbLogs, shareHostsOfOneProcess } from './hosts.js';

/** How far a scan has got. */
export interface Progress {
  source: string;
  bytesDone: number;
  /** Total size of the input files on disk (compressed sizes for gzip; 0 for stdin). */
  bytesTotal: number;
  filesDone: number;
  filesTotal: number;
}

export interface DiagnoseOptions extends ResolveOptions {
  /** Compiled patterns; default: the built-in ones plus `patternDirs`. */
  patterns?: Pattern[];
  patternDirs?: string[];
  /** Only events at or after / before these times (ms, log-local time read as UTC). */
  since?: number | null;
  until?: number | null;
  /** Stops the scan early (Ctrl-C); the result is marked interrupted. */
  signal?: AbortSignal;
  ignore?: IgnoreRule[];
  /** Parse every record instead of only those around prefilter hits (reference path for tests). */
  fullScan?: boolean;
  /**
   * Scan lanes: the calling thread and workers - 1 worker threads (default 0: all on the calling
   * thread), at most one per usable core (scan/plan.ts: the cgroup's CPU quota respected) and as
   * many as `maxMemory` holds; 'auto': planned by scan/plan.ts (planLanes) from the input's size,
   * the cores and `maxMemory`: lanes on 4 cores or more from 1 GiB, a pipeline (the calling thread
   * scans, a worker thread parses and detects) on two or more from 384 MiB of plain text, else the
   * calling thread alone.
   */
  workers?: number | 'auto';
  /** Inputs smaller than this are scanned in-process (default 64 MiB). */
  parallelMinBytes?: number;
  /** Plain files from this size are split into byte ranges when workers run (default 128 MiB). */
  splitMinBytes?: number;
  /** With 'auto': plain text from which the calling thread scans and a worker detects (default 384 MiB). */
  pipelineMinBytes?: number;
  /** Progress: bytes read so far (after gzip inflation), of the input files' total size; files done. */
  onProgress?: (p: Progress) => void;
  /**
   * Keeps the JavaScript heap of each scanning thread within this many bytes by asking V8 for full
   * collections (scan/heap.ts; the command line uses HEAP_BUDGET). Off by default: it sets a V8
   * flag and forces collections in the whole process.
   */
  heapBudget?: number;
  /**
   * Inflated bytes allowed per compressed member (gzip stream, archive entry); a scan inflates at
   * most MAX_RUN_FACTOR times this in all (default DEFAULT_MAX_INFLATED: input/members.ts).
   */
  maxInflated?: number;
  /**
   * Memory budget of the whole process, in bytes (default DEFAULT_MAX_MEMORY, 256 MiB): the lanes
   * started are capped so that their resident cost (scan/plan.ts) fits in it, whatever the
   * machine's memory.
   */
  maxMemory?: number;
}

/** Inputs below this size are scanned in-process: starting workers would cost more than it saves. */
const PARALLEL_MIN_BYTES = 64 << 20;
/** Plain files from this size are split into byte ranges scanned in parallel. */
const SPLIT_MIN_BYTES = 128 << 20;
/**
 * Size of the byte ranges a large file is split into: small enough that a worker which starts
 * late (a new thread loads its code and patterns first) still gets its share, and that the lanes
 * end together; large enough that merging the ranges' results costs little.
 */
const RANGE_BYTES = 64 << 20;

/** Diagnoses the given paths (`-` or none for stdin). */
export async function diagnosePaths(paths: string[], options: DiagnoseOptions = {}, stdin?: NodeJS.ReadableStream): Promise<Diagnosis> {
  const { sources, warnings } = await resolveInputs(paths, stdin, options);
  return diagnose(sources, options, warnings);
}

/** One unit of scanning: an input, or a byte range of a large plain file. */
interface Task {
  input: InputSource;
  range: ByteRange | null;
  /** Bytes on disk (the range's, or the file's; 0 when unknown): the pool takes large tasks first. */
  bytes: number;
}

/** Diagnoses already-resolved sources. */
export async function diagnose(inputs: InputSource[], options: DiagnoseOptions = {}, initialWarnings: InputWarning[] = []): Promise<Diagnosis> {
  const started = process.hrtime.bigint();
  const patterns = options.patterns ?? loadPatterns([BUILTIN_PATTERN_DIR, ...(options.patternDirs ?? [])]);
  const detectorOptions = { since: options.since ?? null, until: options.until ?? null, fullScan: options.fullScan === true };
  const detector = new Detector(patterns, detectorOptions);
  const literals = scanLiterals(patterns);
  const problemLiterals = [...literals, ...PROBLEM_LITERALS];
  const everyRecord = options.fullScan === true || detector.needsEveryRecord;
  const warnings = [...initialWarnings];
  let interrupted = false;

  // The inputs' size on disk (a stat per file): for 'auto', for lanes, and for progress reports.
  const inputBytes = options.workers === 'auto' || (options.workers ?? 0) > 1 || options.onProgress ? await totalBytes(inputs) : 0;
  const cores = usableCores();
  const pipelineMin = options.pipelineMinBytes ?? AUTO_PIPELINE_MIN_BYTES;
  // The files are opened to tell plain text only when they are large enough in all.
  const plain = options.workers === 'auto' && cores >= 2 && inputBytes >= pipelineMin ? await plainBytes(inputs, pipelineMin) : 0;
  const plan = planLanes({ inputBytes, plainBytes: plain, cores, maxMemory: options.maxMemory ?? DEFAULT_MAX_MEMORY, workers: options.workers ?? 0, ...(options.pipelineMinBytes !== undefined ? { pipelineMinBytes: options.pipelineMinBytes } : {}) });
  const lanes = plan.lanes;
  const tasks = await planTasks(inputs, lanes, options);
  const bytesTotal = inputBytes;
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
    options.onProgress?.({ source: task.input.name, bytesDone, bytesTotal, filesDone: t + 1, filesTotal: tasks.length });
  };

  const workerPatternsKnown = !options.patterns || options.patternDirs !== undefined;
  const parallel = lanes > 1 && tasks.length > 1 && workerPatternsKnown && workersAvailable() && tasks.every((t) => t.input.path) && inputBytes >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES);
  // A pipeline when the plan has one: this thread scans, a worker parses and detects.
  const pipelined = !parallel && plan.mode === 'pipeline' && !everyRecord && workerPatternsKnown && workersAvailable() && tasks.every((t) => !t.range);
  // The budget is for the process: shared among the lanes, or the two stages of a pipeline.
  const heapBudget = Math.floor((options.heapBudget ?? 0) / (parallel ? Math.min(lanes, tasks.length) : pipelined ? 2 : 1));
  // Lanes read on their own threads: every core is busy scanning (input/read.ts).
  const inflateLimits = { ...(options.maxInflated ? { maxInflated: options.maxInflated } : {}), inflateBudget: inflateBudget(options.maxInflated) };
  const ctx = { prefilter: buildPrefilter(literals), problemPrefilter: lazyPrefilter(problemLiterals), everyRecord, syncReads: parallel, ...inflateLimits, ...(options.signal ? { signal: options.signal } : {}), ...(heapBudget ? { heapBudget } : {}) };
  let threads = 1;
  if (parallel) {
    threads = await runPool(
      tasks.map((t) => ({ name: t.input.name, path: t.input.path!, range: t.range })),
      { role: 'lane', patternDirs: [BUILTIN_PATTERN_DIR, ...(options.patternDirs ?? [])], literals, problemLiterals, everyRecord, detector: detectorOptions, ...(heapBudget ? { heapBudget } : {}), ...(options.maxInflated ? { maxInflated: options.maxInflated } : {}) },
      lanes,
      (t, reply) => {
        const c = continuing(t);
        const map = detector.mergeState(reply.state, c.source, c.offset);
        for (const w of reply.state.warnings) warnings.push(w);
        if (reply.stopped) interrupted = true;
        afterTask(t, [...new Set(map)]);
      },
      options.signal,
      (task, id) => detectTask(task, id, patterns, detectorOptions, ctx),
      tasks.map((t) => t.bytes),
    );
    if (options.signal?.aborted) interrupted = true;
  } else {
    const pipeline = pipelined ? Pipeline.start({ role: 'pipeline', patternDirs: [BUILTIN_PATTERN_DIR, ...(options.patternDirs ?? [])], literals: ctx.problemPrefilter.literals as string[], detector: detectorOptions, ...(heapBudget ? { heapBudget } : {}) }, options.signal) : null;
    if (pipeline) threads = 2;
    let current = 0;
    const onBytes = (n: number): void => {
      bytesDone += n;
      pipeline?.onBytes(n);
      options.onProgress?.({ source: tasks[current]!.input.name, bytesDone, bytesTotal, filesDone: current, filesTotal: tasks.length });
    };
    const taskCtx = { ...ctx, raw: pipeline !== null, ...(pipeline ? { pace: () => pipeline.pace() } : {}), ...(options.onProgress || pipeline ? { onBytes } : {}) };
    try {
      for (let t = 0; t < tasks.length; t++) {
        current = t;
        if (options.signal?.aborted) {
          interrupted = true;
          break;
        }
        if (pipeline) {
          await runTask(tasks[t]!.input, tasks[t]!.range, taskCtx, (msg) => pipeline.take(t, msg));
          options.onProgress?.({ source: tasks[t]!.input.name, bytesDone, bytesTotal, filesDone: t + 1, filesTotal: tasks.length });
          if (pipeline.stopped) {
            interrupted = true;
            break;
          }
          continue;
        }
        const c = continuing(t);
        const feeder = new TaskFeeder(detector, warnings, c.source, c.offset);
        await runTask(tasks[t]!.input, tasks[t]!.range, taskCtx, (msg) => feeder.take(msg));
        afterTask(t, [...new Set(feeder.members.values())]);
        if (feeder.stopped) {
          interrupted = true;
          break;
        }
      }
      if (pipeline) {
        const state = await pipeline.finish();
        // A stop asked for while the worker detected the last records still marks the result.
        if (options.signal?.aborted) interrupted = true;
        detector.mergeState(state, null, 0);
        for (const w of state.warnings) warnings.push(w);
      }
    } catch (e) {
      await pipeline?.abandon();
      throw e;
    }
  }
  for (let i = 0; i < detector.sources.length; i++) {
    const info = detector.sources[i]!;
    if (info.kind === 'log') {
      if (info.bytes === 0 && !warnings.some((w) => w.source === info.name)) warnings.push({ source: info.name, message: info.name === '<stdin>' ? 'standard input was empty' : 'file is empty' });
      else if (info.bytes > 1 << 20 && info.lines <= 1) warnings.push({ source: info.name, message: 'no line breaks found: this may not be a text log' });
    }
    detector.finishSource(i);
    if (detector.facts.source(i).undated) warnings.push({ source: info.name, message: `timestamps without a year (MM-dd HH:mm:ss) were read as in the 12 months up to today: year ${new Date().getUTCFullYear()}, or the year before for dates after today` });
  }
  // A Flink process's .out file shares the hosts of its .log; RocksDB LOG files name no host:
  // each takes its TaskManager's, from the directory tree.
  shareHostsOfOneProcess(detector.sources);
  attributeRocksDbLogs(detector.sources);

  // The report is built on a heap that holds what the scan kept, not what it threw away (the
  // lanes are done: the whole budget is this thread's again).
  if (options.heapBudget) heapSettle(options.heapBudget);
  const { facts, signals, sources } = detector;
  facts.settle();
  const { omitted } = facts;
  if (omitted.checkpoints + omitted.taskFailures + omitted.jobs > 0) {
    const parts = [[omitted.checkpoints, 'checkpoint failure'], [omitted.taskFailures, 'task failure'], [omitted.jobs, 'job state change or restart']] as const;
    const what = parts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w} line${n === 1 ? '' : 's'}`).join(', ');
    warnings.push({ source: '(all inputs)', message: `${what} between the first and the latest ${FACT_TAIL} of each kind were read but not kept (bounded memory): counts of restarts, task failures and failed checkpoints attached to findings cover only the kept ones` });
  }
  const { findings, checkpoints, checkpointRuns, jobTransitions, jobs } = correlate({ patterns, signals, facts, sources, tallies: detector.tallies() });
  const unknown = detector.unknown.finish(facts, sources);
  const unstable = jobUnstableFindings({ patterns, findings, unknown, checkpoints, jobTransitions, sources });
  // Most severe first (a stable sort keeps the correlator's order within a severity).
  const all = [...findings, ...unstable].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const { kept, muted } = applyIgnores(all, options.ignore ?? []);
  if (detector.unknown.ungrouped > 0) {
    warnings.push({ source: '(all inputs)', message: `more distinct unknown problems than the ${MAX_GROUPS} groups kept: the least relevant (rare, long unseen, never just before a failure) were dropped; ${detector.unknown.ungrouped} of their occurrences were counted but not grouped` });
  }
  const paths = new Map(inputs.filter((i) => i.path).map((i) => [i.name, i.path!]));
  const streamEdges = new Map(inputs.filter((i) => i.edges).map((i) => [i.name, i.edges!]));
  const covered = await coverage({ sources, paths, streamEdges, findings: [...kept, ...muted], checkpoints, jobTransitions, unknown, signals, since: options.since ?? null, until: options.until ?? null });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  // A stop asked for at any point of the scan marks the result, even when every input was read.
  if (options.signal?.aborted) interrupted = true;
  return {
    findings: kept,
    unknown,
    muted,
    inputs: sources,
    config: facts.config,
    warnings,
    checkpoints,
    checkpointRuns,
    jobTransitions,
    jobs,
    stats: {
      bytes: sources.reduce((a, s) => a + s.bytes, 0),
      lines: sources.reduce((a, s) => a + s.lines, 0),
      events: detector.events,
      seconds,
      threads,
    },
    interrupted,
    coverage: covered,
  };
}

/** One task per input; large plain files become one task per byte range when lanes may run. */
async function planTasks(inputs: InputSource[], lanes: number, options: DiagnoseOptions): Promise<Task[]> {
  const tasks: Task[] = [];
  const splits = lanes < 2 || !workersAvailable() ? 1 : lanes;
  for (const input of inputs) {
    const size = splits > 1 && input.path ? await fileSize(input.path) : 0;
    if (splits > 1 && input.path && input.kind === 'log') {
      if (size >= (options.splitMinBytes ?? SPLIT_MIN_BYTES) && size > 0 && (await isPlainText(input.path))) {
        for (const range of splitRanges(size, Math.max(splits, Math.ceil(size / RANGE_BYTES)))) tasks.push({ input, range, bytes: range.end - range.start });
        continue;
      }
    }
    tasks.push({ input, range: null, bytes: size });
  }
  return tasks;
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}

/** Total size of the inputs that are files (on disk), and of standard input redirected from one. */
async function totalBytes(inputs: InputSource[]): Promise<number> {
  let n = 0;
  const seen = new Set<string>();
  for (const input of inputs) {
    if (!input.path) n += input.size ?? 0;
    if (!input.path || seen.has(input.path)) continue;
    seen.add(input.path);
    n += await fileSize(input.path);
  }
  return n;
}

/** Size of the plain-text inputs (not compressed or archived; standard input counts as plain), summed until `enough`. */
async function plainBytes(inputs: InputSource[], enough: number): Promise<number> {
  let n = 0;
  for (const input of inputs) {
    if (n >= enough) break;
    if (input.kind !== 'log') continue;
    if (!input.path) n += input.size ?? 0;
    else if (await isPlainText(input.path)) n += await fileSize(input.path);
  }
  return n;
}

/** True when the file is plain text (no gzip, archive or container wrapper), so it can be split. */
async function isPlainText(path: string): Promise<boolean> {
  // A file that cannot be read is not plain text to plan with; the scan reports it.
  const fh = await openFile(path, 'r').catch(() => null);
  if (!fh) return false;
  try {
    const head = Buffer.alloc(8192);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return sniffPlain(head.subarray(0, bytesRead));
  } finally {
    await fh.close();
  }
}
