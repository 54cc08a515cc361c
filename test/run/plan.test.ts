// The scan's plan: cores from the cgroup's CPU quota and the affinity, lanes from the input's
// size, the cores and the memory budget.
import { closeSync, openSync, ftruncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { InputSource } from '../../src/input/sources.js';
import { tempDir } from '../helpers.js';
import { MIN_RANGE_BYTES, RANGE_BYTES, SPLIT_MIN_BYTES, TUNING, planTasks, queueWeights, rangeBytesFor, rangeCount, AUTO_LANES_MIN_BYTES, AUTO_PIPELINE_MIN_BYTES, BASE_MEMORY, DEFAULT_MAX_MEMORY, LANE_MEMORY, PIPELINE_MEMORY, cgroupCpuLimit, memoryLanes, parseCfsQuota, parseCpuMax, planLanes, usableCores } from '../../src/run/plan.js';

const MiB = 1 << 20;
const GiB = 1 << 30;

describe('CPU quota', () => {
  it('reads cgroup v2 cpu.max', () => {
    expect(parseCpuMax('max 100000\n')).toBeNull();
    expect(parseCpuMax('150000 100000\n')).toBe(1.5);
    expect(parseCpuMax('400000 100000')).toBe(4);
    expect(parseCpuMax('50000')).toBe(0.5);
    expect(parseCpuMax('')).toBeNull();
    expect(parseCpuMax('garbage here')).toBeNull();
  });

  it('reads a cgroup v1 CFS quota', () => {
    expect(parseCfsQuota('-1\n', '100000\n')).toBeNull();
    expect(parseCfsQuota('200000\n', '100000\n')).toBe(2);
    expect(parseCfsQuota('250000', '50000')).toBe(5);
    expect(parseCfsQuota('100000', '0')).toBeNull();
  });

  it('looks for v2 first, then the v1 controllers', () => {
    const files = (m: Record<string, string>) => (p: string) => m[p] ?? null;
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu.max': '300000 100000' }))).toBe(3);
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu.max': 'max 100000', '/sys/fs/cgroup/cpu/cpu.cfs_quota_us': '100000' }))).toBeNull();
    expect(cgroupCpuLimit(files({ '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us': '600000', '/sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us': '100000' }))).toBe(6);
    expect(cgroupCpuLimit(files({}))).toBeNull();
  });

  it('uses the fewer of the affinity and the whole cores of the quota, at least one', () => {
    expect(usableCores(16, null)).toBe(16);
    expect(usableCores(16, 4)).toBe(4);
    expect(usableCores(16, 1.5)).toBe(1);
    expect(usableCores(2, 8)).toBe(2);
    expect(usableCores(8, 0.5)).toBe(1);
    expect(usableCores(1, null)).toBe(1);
  });
});

describe('lane plan', () => {
  const base = { plainBytes: 0, maxMemory: DEFAULT_MAX_MEMORY };

  it('fits lanes in the memory budget', () => {
    expect(memoryLanes(BASE_MEMORY)).toBe(1);
    expect(memoryLanes(BASE_MEMORY + LANE_MEMORY)).toBe(2);
    expect(memoryLanes(64 * MiB)).toBe(1);
    expect(memoryLanes(DEFAULT_MAX_MEMORY)).toBe(1 + Math.floor((DEFAULT_MAX_MEMORY - BASE_MEMORY) / LANE_MEMORY));
    expect(BASE_MEMORY + (memoryLanes(DEFAULT_MAX_MEMORY) - 1) * LANE_MEMORY).toBeLessThanOrEqual(DEFAULT_MAX_MEMORY);
    // Measured: six lanes peak at 229–243 MiB on the 1 GiB bench log, seven at 256–260 MiB.
    expect(memoryLanes(DEFAULT_MAX_MEMORY)).toBe(6);
  });

  it('gives asked-for lanes, capped by cores and memory', () => {
    expect(planLanes({ ...base, inputBytes: 0, cores: 16, workers: 1 })).toEqual({ mode: 'one', lanes: 1 });
    expect(planLanes({ ...base, inputBytes: 0, cores: 16, workers: 0 })).toEqual({ mode: 'one', lanes: 1 });
    expect(planLanes({ ...base, inputBytes: 0, cores: 16, workers: 2 })).toEqual({ mode: 'lanes', lanes: 2 });
    expect(planLanes({ ...base, inputBytes: 0, cores: 2, workers: 8 })).toEqual({ mode: 'lanes', lanes: 2, limitedBy: 'cores' });
    const lanes = memoryLanes(DEFAULT_MAX_MEMORY);
    expect(planLanes({ ...base, inputBytes: 0, cores: 64, workers: 16 })).toEqual({ mode: 'lanes', lanes, limitedBy: 'memory' });
    expect(planLanes({ ...base, inputBytes: 0, cores: 64, workers: 16, maxMemory: 4 * GiB })).toEqual({ mode: 'lanes', lanes: 16 });
    expect(planLanes({ ...base, inputBytes: 0, cores: 64, workers: 16, maxMemory: 100 * MiB })).toEqual({ mode: 'one', lanes: 1, limitedBy: 'memory' });
  });

  it("with 'auto', one thread for small inputs, whatever the cores", () => {
    for (const cores of [1, 2, 4, 16, 64]) expect(planLanes({ ...base, inputBytes: 10 * MiB, plainBytes: 10 * MiB, cores, workers: 'auto' })).toEqual({ mode: 'one', lanes: 1 });
  });

  it("with 'auto', no pipeline on two or three cores unless the plan's threshold asks for one", () => {
    const big = { ...base, inputBytes: 8 * GiB, plainBytes: 8 * GiB, workers: 'auto' as const };
    expect(AUTO_PIPELINE_MIN_BYTES).toBe(Number.POSITIVE_INFINITY);
    for (const cores of [1, 2, 3]) expect(planLanes({ ...big, cores })).toEqual({ mode: 'one', lanes: 1 });
    expect(planLanes({ ...big, cores: 1, pipelineMinBytes: 0 })).toEqual({ mode: 'one', lanes: 1 });
    expect(planLanes({ ...big, cores: 2, pipelineMinBytes: 384 * MiB })).toEqual({ mode: 'pipeline', lanes: 1 });
    expect(planLanes({ ...big, cores: 3, plainBytes: MiB, pipelineMinBytes: 0 })).toEqual({ mode: 'pipeline', lanes: 1 });
    // Compressed input: no pipeline (inflating keeps the second core busy).
    expect(planLanes({ ...big, cores: 2, plainBytes: 0, pipelineMinBytes: 384 * MiB })).toEqual({ mode: 'one', lanes: 1 });
    expect(planLanes({ ...big, cores: 2, pipelineMinBytes: 0, maxMemory: BASE_MEMORY + PIPELINE_MEMORY - 1 })).toEqual({ mode: 'one', lanes: 1, limitedBy: 'memory' });
  });

  it("with 'auto', one lane per core on four or more from its threshold, as many as the budget holds", () => {
    const big = { ...base, inputBytes: AUTO_LANES_MIN_BYTES, plainBytes: AUTO_LANES_MIN_BYTES, workers: 'auto' as const };
    expect(planLanes({ ...big, cores: 4 })).toEqual({ mode: 'lanes', lanes: 4 });
    expect(planLanes({ ...big, cores: 16 })).toEqual({ mode: 'lanes', lanes: memoryLanes(DEFAULT_MAX_MEMORY), limitedBy: 'memory' });
    expect(planLanes({ ...big, cores: 16, maxMemory: 2 * GiB })).toEqual({ mode: 'lanes', lanes: 16 });
    expect(planLanes({ ...big, cores: 16, inputBytes: AUTO_LANES_MIN_BYTES - 1 })).toEqual({ mode: 'one', lanes: 1 });
  });
});

/** When each lane ends, the tasks taken from one queue largest first by whichever lane is free, a lane scanning a byte a tick. */
function laneEnds(sizes: number[], lanes: number): number[] {
  const ends = new Array<number>(lanes).fill(0);
  for (const size of [...sizes].sort((a, b) => b - a)) {
    const free = ends.indexOf(Math.min(...ends));
    ends[free] += size;
  }
  return ends;
}

/** A plain-text log of `size` bytes (its head is log lines, the rest a hole: nothing is written). */
function sparseLog(path: string, size: number): InputSource {
  const fd = openSync(path, 'w');
  writeSync(fd, '2024-03-11 09:00:00,000 INFO  org.example.Job [] - started\n'.repeat(200));
  ftruncateSync(fd, size);
  closeSync(fd);
  return { name: path, kind: 'log', path, open: () => { throw new Error('not read'); } };
}

describe('tasks spread over lanes', () => {
  it('cuts the input into ranges of a quarter of a lane\'s share, within the smallest and largest range', () => {
    expect(rangeBytesFor(GiB, 2)).toBe(RANGE_BYTES);
    expect(rangeBytesFor(GiB, 6)).toBe(Math.ceil(GiB / 24));
    expect(rangeBytesFor(GiB, 16)).toBe(MIN_RANGE_BYTES);
    expect(rangeBytesFor(170 * MiB, 2, { rangeBytes: RANGE_BYTES, minRangeBytes: MiB })).toBe(Math.ceil((170 * MiB) / 8));
    // A 1 GiB file on 16 lanes: 32 ranges (17 of 64 MiB left one lane scanning the last alone).
    expect(rangeCount(GiB, rangeBytesFor(GiB, 16), 16, SPLIT_MIN_BYTES)).toBe(32);
    expect(rangeCount(GiB, rangeBytesFor(GiB, 2), 2, SPLIT_MIN_BYTES)).toBe(16);
    // One lane: whole files; a small file whole; a file from SPLIT_MIN_BYTES in at least one range per lane.
    expect(rangeCount(GiB, RANGE_BYTES, 1, SPLIT_MIN_BYTES)).toBe(1);
    expect(rangeCount(10 * MiB, MIN_RANGE_BYTES, 4, SPLIT_MIN_BYTES)).toBe(1);
    expect(rangeCount(SPLIT_MIN_BYTES, RANGE_BYTES, 8, SPLIT_MIN_BYTES)).toBe(8);
  });

  it('a directory of a large file and many small ones: no lane idles while another has more than one range left', async () => {
    const dir = tempDir();
    const inputs = [sparseLog(join(dir, 'tm-large.log'), 120 * MiB)];
    for (let i = 0; i < 10; i++) inputs.push(sparseLog(join(dir, `tm-small-${i}.log`), 5 * MiB + i * 100_000));
    const total = 120 * MiB + 10 * 5 * MiB + 45 * 100_000;
    for (const lanes of [2, 3, 4]) {
      const tasks = await planTasks(inputs, lanes, TUNING, total);
      const piece = rangeBytesFor(total, lanes);
      expect(Math.max(...tasks.map((t) => t.bytes))).toBeLessThanOrEqual(piece);
      // Every byte is in exactly one task.
      expect(tasks.reduce((a, t) => a + t.bytes, 0)).toBe(total);
      const ends = laneEnds(tasks.map((t) => t.bytes), lanes);
      expect(Math.max(...ends) - Math.min(...ends)).toBeLessThanOrEqual(piece);
      // Files cut only from SPLIT_MIN_BYTES (the rule before): the large file stays whole, one lane
      // scans it while the others are done with the small files and idle.
      const whole = await planTasks(inputs, lanes, { ...TUNING, rangeBytes: SPLIT_MIN_BYTES, minRangeBytes: SPLIT_MIN_BYTES }, total);
      expect(whole.length).toBe(11);
      const wholeEnds = laneEnds(whole.map((t) => t.bytes), lanes);
      expect(Math.max(...wholeEnds) - Math.min(...wholeEnds)).toBeGreaterThan(2 * piece);
      expect(Math.max(...wholeEnds)).toBeGreaterThan(Math.max(...ends));
    }
  });

  it('the ranges of a file weigh the same in the shared queue, so they are taken in file order', async () => {
    const dir = tempDir();
    // 100 MiB + 3 bytes in ranges whose sizes differ by a byte, where the cuts fall.
    const big = 100 * MiB + 3;
    const inputs = [sparseLog(join(dir, 'small.log'), 5 * MiB), sparseLog(join(dir, 'big.log'), big)];
    const tasks = await planTasks(inputs, 4, { ...TUNING, rangeBytes: 25 * MiB, minRangeBytes: MiB }, big + 5 * MiB);
    const ranges = tasks.filter((t) => t.range);
    expect(ranges.length).toBeGreaterThan(2);
    expect(new Set(ranges.map((t) => t.bytes)).size).toBeGreaterThan(1);
    const weights = queueWeights(tasks);
    expect(weights[0]).toBe(5 * MiB);
    expect(new Set(weights.slice(1))).toEqual(new Set([Math.max(...ranges.map((t) => t.bytes))]));
  });

  it('one lane: every file whole', async () => {
    const dir = tempDir();
    const tasks = await planTasks([sparseLog(join(dir, 'a.log'), 200 * MiB)], 1, TUNING, 200 * MiB);
    expect(tasks.map((t) => t.range)).toEqual([null]);
  });
});
