// Logs full of failures (a crash-looping job) and noisy healthy logs, small enough for every test
// run: each injected incident is found, nothing at severity error is made of harmless noise, and
// the time grows linearly with the log (four times the log within ten times the time: work that
// grew with what was seen before would take sixteen). The limits are bounds, not measurements:
// `npm run bench -- --dense-only` measures (MB/s, peak RSS, the ratio to grep).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, INCIDENTS } from '../../bench/generate.mjs';
import { diagnosePaths } from '../../src/diagnose.js';

let dir: string;
const built = existsSync('dist/diagnose.js') && existsSync('dist/run/worker.bundle.js');
const log = (name: string): string => join(dir, name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flink-doctor-dense-'));
  await generate(log('dense-4.log'), 4, { density: 0.5, seed: 7 });
  await generate(log('dense-16.log'), 16, { density: 0.5, seed: 7 });
  await generate(log('noisy-8.log'), 8, { warnDensity: 6, seed: 11 });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The fastest of `n` diagnoses of a log on one thread (seconds), and the last diagnosis. */
async function timed(path: string, n = 2): Promise<{ secs: number; ids: string[]; errors: string[] }> {
  let best = Infinity;
  let d: Awaited<ReturnType<typeof diagnosePaths>> | null = null;
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    d = await diagnosePaths([path], { workers: 1 });
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const findings = d!.findings;
  return { secs: best, ids: findings.map((f) => f.id), errors: findings.filter((f) => f.severity === 'error' || f.severity === 'critical').map((f) => f.id) };
}

describe('logs full of failures', () => {
  it('finds every incident among the failures, in time linear in the log', async () => {
    const small = await timed(log('dense-4.log'));
    const large = await timed(log('dense-16.log'));
    for (const id of INCIDENTS) expect(large.ids).toContain(id);
    expect(large.secs / small.secs).toBeLessThan(10);
  });

  // Lanes run the built worker.
  it.skipIf(!built)('gives on four byte ranges and two lanes the diagnosis of one thread, past the signals and fact lines a task keeps one by one', async () => {
    const { diagnosePaths: fromBuild } = await import('../../dist/diagnose.js' as string);
    const one = await fromBuild([log('dense-16.log')], { workers: 1 });
    const lanes = await fromBuild([log('dense-16.log')], { workers: 2, tuning: { parallelMinBytes: 0, splitMinBytes: 1 << 20, rangeBytes: 4 << 20, minRangeBytes: 4 << 20 } });
    expect(lanes.stats.threads).toBe(2);
    // The log holds more than a task keeps of a pattern's signals one by one, and more fact lines than keep their text.
    const events = one.findings.map((f: { events: number }) => f.events);
    expect(Math.max(...events)).toBeGreaterThan(1_000);
    // How it ran aside: the time, the lanes, and the lanes stopped past the memory budget (this
    // process, running the other tests too, may be over it).
    const comparable = (d: { stats: Record<string, unknown> }): unknown => ({ ...d, stats: { ...d.stats, seconds: 0, threads: 0, lanesStopped: 0 } });
    expect(JSON.parse(JSON.stringify(comparable(lanes)))).toEqual(JSON.parse(JSON.stringify(comparable(one))));
  }, 60_000);

  it('raises no error on a noisy healthy log', async () => {
    const noisy = await timed(log('noisy-8.log'), 1);
    for (const id of INCIDENTS) expect(noisy.ids).toContain(id);
    expect(noisy.errors.filter((id) => !INCIDENTS.includes(id))).toEqual([]);
  });
});
