// How a scan uses the machine: the cores it may use (the CPU quota of its cgroup and the cores
// Node reports, whichever is fewer), and how many lanes fit in a memory budget. The lane plan is a
// pure function of the input's size, the cores and the budget, so that what a scan starts does not
// depend on how much memory the machine has.

import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const MiB = 1 << 20;

/** The whole process's memory budget when none is given (DiagnoseOptions.maxMemory, --max-memory). */
export const DEFAULT_MAX_MEMORY = 256 * MiB;

/**
 * Resident memory of a scan on the calling thread alone: Node, the code, the patterns, the heap
 * kept within its budget (scan/heap.ts), the read ring. Measured on two cores (24 GiB): 1 GiB
 * bench log, --workers 1, peak RSS 119–124 MiB (GNU time %M), rounded up.
 */
export const BASE_MEMORY = 128 * MiB;
/**
 * Resident memory each further lane (a worker thread) adds: its isolate and compiled code, its
 * heap within WORKER_OLD_MB and WORKER_YOUNG_MB (scan/pool.ts), its read ring (3 × 1 MiB) and the
 * results it holds before they are merged. Measured on two cores: 33–38 MiB, 1 GiB bench log,
 * --workers 2 against --workers 1, rounded up. With the default budget: 4 lanes.
 */
export const LANE_MEMORY = 40 * MiB;
/**
 * Resident memory a pipeline's detecting worker adds: a lane's isolate and heap, and at most
 * MAX_IN_FLIGHT (8 MiB) of records handed on and not yet detected, without read buffers.
 */
export const PIPELINE_MEMORY = 40 * MiB;

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
 * With 'auto', a pipeline (the calling thread scans, a worker parses and detects) is used from this
 * much plain text on when lanes are not: on two cores the worker's start-up was measured to cost
 * as much as it saves at about 256 MiB. Measured again on two loaded cores (load average 6–7,
 * medians of 3 alternated runs, wall time): 128 MiB, one thread 1.17 s against the pipeline
 * 1.40 s; 256 MiB, 1.41 s against 1.54 s; 1 GiB (load 8–9), 3.84 s against 3.64 s. Not yet
 * measured on more cores (there lanes take over from AUTO_LANES_MIN_BYTES).
 * Compressed input keeps the second core busy inflating.
 */
export const AUTO_PIPELINE_MIN_BYTES = 384 << 20;

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
