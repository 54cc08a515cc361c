// How a scan uses the machine: the cores it may use (the CPU quota of its cgroup and the cores
// Node reports, whichever is fewer), and how many lanes fit in a memory budget. The lane plan is a
// pure function of the input's size, the cores and the budget, so that what a scan starts does not
// depend on how much memory the machine has. The execution plan adds the tasks: one per input,
// a large plain file split into byte ranges when lanes run.

import { readFileSync } from 'node:fs';
import { open as openFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import type { InputSource } from '../input/sources.js';
import { sniffPlain } from '../input/members.js';
import type { DetectionSetup } from '../setup.js';
import { splitRanges, type ByteRange } from './ranges.js';
import { workersAvailable } from './protocol.js';

const MiB = 1 << 20;

/** The whole process's memory budget when none is given (DiagnoseOptions.maxMemory, --max-memory). */
export const DEFAULT_MAX_MEMORY = 256 * MiB;

/**
 * Resident memory of a scan on the calling thread alone: Node, the code, the patterns, the heap
 * kept within its budget (heap.ts; its young generation held at 4 MiB semi-spaces), the read
 * ring. Measured on two cores (24 GiB), 1 GiB bench log, peak RSS (GNU time %M): 96–105 MiB on
 * one lane, 140–145 MiB on two; rounded up so that BASE_MEMORY + LANE_MEMORY covers two lanes.
 */
export const BASE_MEMORY = 116 * MiB;
/**
 * Resident memory each further lane (a worker thread) adds: its isolate and compiled code, its
 * heap within WORKER_OLD_MB and WORKER_YOUNG_MB (protocol.ts), its read ring (3 × 1 MiB in the
 * kernel's memory) and the results it holds before they are merged. Measured on two cores with
 * more lanes than cores (the lanes run, slower), 1 GiB bench log, peak RSS of 2, 4, 6, 7 and 8
 * lanes: 140–145, 181–196, 229–243, 256–260, 278–292 MiB, about 23 MiB a lane from the
 * second on; rounded up. With the default budget: 6 lanes (was 4 at 40 MiB a lane).
 */
export const LANE_MEMORY = 28 * MiB;
/**
 * Resident memory a pipeline's detecting worker adds: a lane's isolate and heap, and at most
 * MAX_IN_FLIGHT (8 MiB) of records handed on and not yet detected, without read buffers.
 * Measured on two cores, peak RSS with --workers auto against 1: 1 GiB bench log 119–123 against
 * 97–100 MiB, a directory of 4 × 256 MiB 125–136 against 96–99 MiB.
 */
export const PIPELINE_MEMORY = 28 * MiB;

/**
 * With 'auto', lanes are used from this much input on. A worker thread first loads its code and
 * patterns and compiles its hot paths (about 0.3 s of processor time). Measured on two cores: two
 * lanes slower than one below about 1 GiB of logs, faster above. Not yet measured on more cores:
 * with cores to spare the start-up overlaps the calling thread's work, and the threshold is likely
 * lower there.
 */
export const AUTO_LANES_MIN_BYTES = 1 << 30;
/**
 * Cores from which 'auto' uses lanes rather than a pipeline. On two cores a pipeline was measured
 * faster at every size (1 GiB: 0.89 s against 0.99 s; 4 GiB: 2.7 s against 2.8–3.4 s) with less
 * processor time and memory: a lane compiles all of the code again, the pipeline's worker only its
 * half. Three cores are not measured; from four, lanes have cores to themselves (measured on 16
 * cores: 4 lanes 6.1 s, 8 lanes 4.5 s, 16 lanes 3.8 s on 4 GiB, against 17.6 s on one).
 */
export const AUTO_LANES_MIN_CORES = 4;
/**
 * With 'auto', a pipeline (the calling thread scans, a worker parses and detects) would be used
 * from this much plain text on when lanes are not: never. Since the scan kernel got faster than
 * detection, the worker has most of the work and the hand-off of records costs more than the
 * overlap saves. Measured on two quiet cores (load average 1.0–1.4), medians of 3 to 5 alternated
 * runs, wall time / peak RSS, the pipeline against one thread: 1 GiB bench log 1.25–1.35 s against
 * 1.23–1.31 s (124 against 90 MiB); the same with 6 times its WARN records 3.26 against 2.57 s
 * (165 against 104 MiB); a crash-looping 1 GiB log 11.3 against 8.35 s (293 against 238 MiB);
 * 4 GiB bench log 3.91 against 4.02 s (148 against 100 MiB). The pipeline stays for a plan that
 * asks for it (Tuning.pipelineMinBytes; the equivalence tests run it).
 */
export const AUTO_PIPELINE_MIN_BYTES = Number.POSITIVE_INFINITY;

/** Cores a cgroup v2 `cpu.max` allows ("max 100000": no limit, "150000 100000": 1.5), or null. */
export function parseCpuMax(text: string): number | null {
  const [quota, period] = text.trim().split(/\s+/);
  if (quota === undefined || quota === 'max') return null;
  return cores(Number(quota), Number(period ?? 100000));
}

/** Cores a cgroup v1 CFS quota allows (`cpu.cfs_quota_us`, `cpu.cfs_period_us`; quota -1: no limit), or null. */
export function parseCfsQuota(quota: string, period: string): number | null {
  return cores(Number(quota.trim()), Number(period.trim()));
}

function cores(quota: number, period: number): number | null {
  if (!Number.isFinite(quota) || !Number.isFinite(period) || quota <= 0 || period <= 0) return null;
  return quota / period;
}

type ReadText = (path: string) => string | null;

const readText: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
};

/** The CPU quota of this process's cgroup, in cores (v2 first, then v1), or null when there is none. */
export function cgroupCpuLimit(read: ReadText = readText): number | null {
  const v2 = read('/sys/fs/cgroup/cpu.max');
  if (v2 !== null) return parseCpuMax(v2);
  for (const dir of ['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu,cpuacct']) {
    const quota = read(`${dir}/cpu.cfs_quota_us`);
    const period = read(`${dir}/cpu.cfs_period_us`);
    if (quota !== null && period !== null) return parseCfsQuota(quota, period);
  }
  return null;
}

/**
 * Cores a scan may use: os.availableParallelism() (the CPU affinity: taskset, cpusets), lowered to
 * the cgroup's CPU quota (a container limited to 1.5 cores gets 1: a second thread would be
 * throttled, not run).
 */
export function usableCores(parallelism = availableParallelism(), quota = cgroupCpuLimit()): number {
  const n = quota === null ? parallelism : Math.min(parallelism, Math.floor(quota));
  return Math.max(1, n);
}

/** Lanes a memory budget holds: the calling thread's, and one per LANE_MEMORY left above BASE_MEMORY. */
export function memoryLanes(maxMemory: number): number {
  return Math.max(1, 1 + Math.floor((maxMemory - BASE_MEMORY) / LANE_MEMORY));
}

export interface PlanInput {
  /** Size of the input files on disk. */
  inputBytes: number;
  /** Size of the plain-text inputs (a pipeline's threshold counts only these). */
  plainBytes: number;
  /** Cores the scan may use (usableCores). */
  cores: number;
  /** The process's memory budget, in bytes. */
  maxMemory: number;
  /** Lanes asked for, or 'auto'. */
  workers: number | 'auto';
  /** Threshold overrides (DiagnoseOptions.pipelineMinBytes); the constants above when absent. */
  pipelineMinBytes?: number;
}

export interface LanePlan {
  /** 'one': the calling thread alone; 'pipeline': it scans, a worker detects; 'lanes': lanes threads each scan and detect. */
  mode: 'one' | 'pipeline' | 'lanes';
  lanes: number;
  /** Why fewer lanes than asked for run, when so. */
  limitedBy?: 'cores' | 'memory';
}

/**
 * The scan's lanes. Asked-for lanes are capped by the cores and the memory budget; 'auto' uses
 * lanes on AUTO_LANES_MIN_CORES cores or more from AUTO_LANES_MIN_BYTES (one per core, as many as
 * the budget holds), else a pipeline on two cores or more from AUTO_PIPELINE_MIN_BYTES of plain
 * text when the budget holds its worker, else the calling thread alone.
 */
export function planLanes(p: PlanInput): LanePlan {
  const byMemory = memoryLanes(p.maxMemory);
  if (p.workers !== 'auto') {
    const asked = Math.max(1, p.workers);
    const lanes = Math.min(asked, p.cores, byMemory);
    const limitedBy = lanes === asked ? undefined : lanes === byMemory && byMemory < p.cores ? 'memory' : 'cores';
    return { mode: lanes > 1 ? 'lanes' : 'one', lanes, ...(limitedBy ? { limitedBy } : {}) };
  }
  if (p.cores >= AUTO_LANES_MIN_CORES && p.inputBytes >= AUTO_LANES_MIN_BYTES && byMemory > 1) {
    const lanes = Math.min(p.cores, byMemory);
    return { mode: 'lanes', lanes, ...(lanes < p.cores ? { limitedBy: 'memory' as const } : {}) };
  }
  const pipelineMin = p.pipelineMinBytes ?? AUTO_PIPELINE_MIN_BYTES;
  if (p.cores >= 2 && p.plainBytes >= pipelineMin && p.inputBytes >= pipelineMin) {
    if (p.maxMemory >= BASE_MEMORY + PIPELINE_MEMORY) return { mode: 'pipeline', lanes: 1 };
    return { mode: 'one', lanes: 1, limitedBy: 'memory' };
  }
  return { mode: 'one', lanes: 1 };
}

/** Thresholds of the execution plan; the constants below unless a caller (a test) sets them. */
export interface Tuning {
  /** Inputs smaller than this are scanned on the calling thread, whatever the lanes asked for. */
  parallelMinBytes: number;
  /** Plain files from this size are split into at least as many byte ranges as lanes run. */
  splitMinBytes: number;
  /** With 'auto': plain text from which the calling thread scans and a worker detects. */
  pipelineMinBytes: number;
  /** Largest byte range a split file is cut into. */
  rangeBytes: number;
  /** Smallest byte range a file is cut into to spread the input over the lanes (below rangeBytes). */
  minRangeBytes: number;
}

/** Inputs below this size are scanned in-process: starting workers would cost more than it saves. */
export const PARALLEL_MIN_BYTES = 64 * MiB;
/** Plain files from this size are split into at least one byte range per lane. */
export const SPLIT_MIN_BYTES = 128 * MiB;
/**
 * Largest byte range a large file is split into: small enough that a worker which starts late (a
 * new thread loads its code and patterns first) still gets its share, and that the lanes end
 * together; large enough that merging the ranges' results costs little.
 */
export const RANGE_BYTES = 64 * MiB;
/**
 * Smallest byte range a file is split into so that the lanes end together (see rangeBytesFor):
 * each task costs a detector of its own, the alignment of its ends and a merge. Measured on two
 * cores, 1 GiB bench log on two lanes, three alternated runs: ranges of 64 and 32 MiB the same
 * processor time (2.24–2.33 s against 2.18–2.30 s), of 16 MiB 2.6–3.9 s, of 8 MiB 3.3–5.7 s.
 */
export const MIN_RANGE_BYTES = 32 * MiB;
/** Tasks per lane the plain input is cut into, at least (within MIN_RANGE_BYTES and RANGE_BYTES). */
export const TASKS_PER_LANE = 4;

export const TUNING: Tuning = { parallelMinBytes: PARALLEL_MIN_BYTES, splitMinBytes: SPLIT_MIN_BYTES, pipelineMinBytes: AUTO_PIPELINE_MIN_BYTES, rangeBytes: RANGE_BYTES, minRangeBytes: MIN_RANGE_BYTES };

/**
 * Size of the byte ranges files are cut into for `lanes` lanes and `totalBytes` of input: a
 * TASKS_PER_LANE-th of a lane's share, within [minRangeBytes, rangeBytes]. The lanes take tasks
 * largest first from one queue, so once the largest tasks are taken a lane never waits on more
 * than one range of another: with a directory of a 120 MiB file and small ones on 2 lanes, the
 * large file is cut into four ranges instead of left whole for one lane while the other idles;
 * a 1 GiB file on 16 lanes into 32 ranges of 32 MiB, not 17 of 64 MiB (16 lanes on the first
 * 16, one lane on the 17th).
 */
export function rangeBytesFor(totalBytes: number, lanes: number, tuning: Pick<Tuning, 'rangeBytes' | 'minRangeBytes'> = TUNING): number {
  const share = Math.ceil(totalBytes / Math.max(1, lanes * TASKS_PER_LANE));
  return Math.max(1, Math.min(tuning.rangeBytes, Math.max(tuning.minRangeBytes, share)));
}

/** Byte ranges a plain file of `size` bytes is split into (1: whole), `piece` being rangeBytesFor's. */
export function rangeCount(size: number, piece: number, lanes: number, splitMinBytes: number): number {
  if (lanes <= 1 || size <= 0) return 1;
  return Math.max(Math.ceil(size / piece), size >= splitMinBytes ? lanes : 1);
}

/** What a caller asks of the execution. */
export interface ExecutionSettings {
  /** Lanes (the calling thread and workers - 1 worker threads; 0 or 1: the calling thread alone), or 'auto' (planLanes). */
  workers?: number | 'auto';
  /** Memory budget of the whole process, in bytes (default DEFAULT_MAX_MEMORY). */
  maxMemory?: number;
  /** Keeps the JavaScript heap of the scanning threads within this many bytes in all (run/heap.ts); off when absent. */
  heapBudget?: number;
  /** Threshold overrides (tests force small byte ranges and lanes on small inputs with them). */
  tuning?: Partial<Tuning>;
}

/** One unit of scanning: an input, or a byte range of a large plain file. */
export interface Task {
  input: InputSource;
  range: ByteRange | null;
  /** Bytes on disk (the range's, or the file's; 0 when unknown): the pool takes large tasks first. */
  bytes: number;
}

export interface ExecutionPlan {
  /** 'one': the calling thread alone; 'pipeline': it scans, a worker detects; 'lanes': tasks spread over lanes. */
  mode: 'one' | 'pipeline' | 'lanes';
  /** Threads that scan or detect. */
  lanes: number;
  tasks: Task[];
  /** Size of the inputs on disk (0 when not needed: no lanes, no progress). */
  inputBytes: number;
  /** Heap budget of each scanning thread (0: none), and of the calling thread once the scan is done. */
  heapBudget: number;
  settleBudget: number;
  /** The process's memory budget (--max-memory): lanes stop past it (pool.ts). */
  maxMemory: number;
}

/**
 * The execution plan of a scan: the lane plan (planLanes) for the inputs' size, the cores and the
 * memory budget, and its tasks. Lanes run only when the setup's patterns can be loaded again by a
 * worker, the built worker exists, every input is a file and the input is large enough; a pipeline
 * only when records are cut around hits and no file was split.
 */
export async function planExecution(inputs: InputSource[], setup: DetectionSetup, settings: ExecutionSettings, withProgress = false): Promise<ExecutionPlan> {
  const tuning = { ...TUNING, ...settings.tuning };
  const workers = settings.workers ?? 0;
  const inputBytes = workers === 'auto' || workers > 1 || withProgress ? await totalBytes(inputs) : 0;
  const cores = usableCores();
  // The files are opened to tell plain text only when they are large enough in all.
  const plain = workers === 'auto' && cores >= 2 && inputBytes >= tuning.pipelineMinBytes ? await plainBytes(inputs, tuning.pipelineMinBytes) : 0;
  const maxMemory = settings.maxMemory ?? DEFAULT_MAX_MEMORY;
  const lanePlan = planLanes({ inputBytes, plainBytes: plain, cores, maxMemory, workers, pipelineMinBytes: tuning.pipelineMinBytes });
  const canStart = setup.patternDirs !== null && workersAvailable();
  const tasks = await planTasks(inputs, canStart && inputBytes >= tuning.parallelMinBytes ? lanePlan.lanes : 1, tuning, inputBytes);
  let mode: ExecutionPlan['mode'] = 'one';
  if (lanePlan.lanes > 1 && tasks.length > 1 && canStart && tasks.every((t) => t.input.path) && inputBytes >= tuning.parallelMinBytes) mode = 'lanes';
  else if (lanePlan.mode === 'pipeline' && !setup.everyRecord && canStart && tasks.every((t) => !t.range)) mode = 'pipeline';
  const lanes = mode === 'lanes' ? Math.min(lanePlan.lanes, tasks.length) : mode === 'pipeline' ? 2 : 1;
  // The budget is for the process: shared among the lanes, or the two stages of a pipeline.
  const budget = settings.heapBudget ?? 0;
  return { mode, lanes, tasks, inputBytes, heapBudget: Math.floor(budget / lanes), settleBudget: budget, maxMemory };
}

/**
 * Each task's weight in the lanes' shared queue, which is taken heaviest first (runPool): its
 * bytes, except that the byte ranges of one file all weigh as its largest, so that they are taken
 * in file order. Their results are merged in task order: ranges taken out of order (their sizes
 * differ by a byte or two, where the cut falls) finish out of order, and a result merged late is
 * held in memory meanwhile — on a log full of failures, tens of MiB each.
 */
export function queueWeights(tasks: readonly Task[]): number[] {
  const largest = new Map<InputSource, number>();
  for (const t of tasks) if (t.range) largest.set(t.input, Math.max(largest.get(t.input) ?? 0, t.bytes));
  return tasks.map((t) => (t.range ? largest.get(t.input)! : t.bytes));
}

/** One task per input; plain files larger than a range (rangeBytesFor) become one task per byte range when lanes may run. */
export async function planTasks(inputs: InputSource[], lanes: number, tuning: Tuning, totalBytes: number): Promise<Task[]> {
  const tasks: Task[] = [];
  const piece = rangeBytesFor(totalBytes, lanes, tuning);
  for (const input of inputs) {
    const size = lanes > 1 && input.path ? await fileSize(input.path) : 0;
    const n = input.path && input.kind === 'log' ? rangeCount(size, piece, lanes, tuning.splitMinBytes) : 1;
    if (n > 1 && (await isPlainText(input.path!))) {
      for (const range of splitRanges(size, n)) tasks.push({ input, range, bytes: range.end - range.start });
      continue;
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
