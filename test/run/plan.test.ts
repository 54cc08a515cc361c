// The scan's plan: cores from the cgroup's CPU quota and the affinity, lanes from the input's
// size, the cores and the memory budget.
import { describe, expect, it } from 'vitest';
import { AUTO_LANES_MIN_BYTES, AUTO_PIPELINE_MIN_BYTES, BASE_MEMORY, DEFAULT_MAX_MEMORY, LANE_MEMORY, PIPELINE_MEMORY, cgroupCpuLimit, memoryLanes, parseCfsQuota, parseCpuMax, planLanes, usableCores } from '../../src/run/plan.js';

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

  it("with 'auto', a pipeline on two or three cores from its threshold of plain text", () => {
    const big = { ...base, inputBytes: AUTO_PIPELINE_MIN_BYTES, plainBytes: AUTO_PIPELINE_MIN_BYTES, workers: 'auto' as const };
    expect(planLanes({ ...big, cores: 1 })).toEqual({ mode: 'one', lanes: 1 });
    expect(planLanes({ ...big, cores: 2 })).toEqual({ mode: 'pipeline', lanes: 1 });
    expect(planLanes({ ...big, cores: 2, inputBytes: 8 * GiB })).toEqual({ mode: 'pipeline', lanes: 1 });
    expect(planLanes({ ...big, cores: 3, inputBytes: 8 * GiB })).toEqual({ mode: 'pipeline', lanes: 1 });
    // Compressed input: no pipeline (inflating keeps the second core busy).
    expect(planLanes({ ...big, cores: 2, plainBytes: 0 })).toEqual({ mode: 'one', lanes: 1 });
    expect(planLanes({ ...big, cores: 2, maxMemory: BASE_MEMORY + PIPELINE_MEMORY - 1 })).toEqual({ mode: 'one', lanes: 1, limitedBy: 'memory' });
    expect(planLanes({ ...big, cores: 2, plainBytes: MiB, pipelineMinBytes: 0 })).toEqual({ mode: 'pipeline', lanes: 1 });
  });

  it("with 'auto', one lane per core on four or more from its threshold, as many as the budget holds", () => {
    const big = { ...base, inputBytes: AUTO_LANES_MIN_BYTES, plainBytes: AUTO_LANES_MIN_BYTES, workers: 'auto' as const };
    expect(planLanes({ ...big, cores: 4 })).toEqual({ mode: 'lanes', lanes: 4 });
    expect(planLanes({ ...big, cores: 16 })).toEqual({ mode: 'lanes', lanes: memoryLanes(DEFAULT_MAX_MEMORY), limitedBy: 'memory' });
    expect(planLanes({ ...big, cores: 16, maxMemory: 2 * GiB })).toEqual({ mode: 'lanes', lanes: 16 });
    expect(planLanes({ ...big, cores: 16, inputBytes: AUTO_LANES_MIN_BYTES - 1 })).toEqual({ mode: 'pipeline', lanes: 1 });
  });
});
