// The way the scan kernel runs its search never changes a diagnosis: every sample, lab capture,
// real corpus excerpt and a generated benchmark log give the same findings and checkpoints with
// every pass searched by Teddy (SIMD) as with Wu-Manber (scalar), and with the choice made by
// timing (auto), which on the benchmark log times every way on its first chunks.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { diagnosePaths } from '../../src/diagnose.js';
import { loadPatterns } from '../../src/detect/pattern.js';
import { readSampleCases } from '../../src/samples.js';
import { toJson } from '../../src/report/json.js';
import { scanKernel, type SearchEngine } from '../../src/scan/kernel.js';
import { tempDir } from '../helpers.js';
import { generate } from '../../bench/generate.mjs';

const patterns = loadPatterns();
const kernel = scanKernel()!;
const saved = kernel.searchEngine;
afterAll(() => {
  kernel.searchEngine = saved;
});

/** The findings and checkpoints of a diagnosis on this thread with the search run `engine`'s way. */
async function findings(path: string, engine: SearchEngine): Promise<unknown> {
  kernel.searchEngine = engine;
  const d = await diagnosePaths([path], { patterns, ignore: [], workers: 1 });
  const j = toJson(d) as { findings: unknown; checkpoints: unknown };
  return { findings: j.findings, checkpoints: j.checkpoints };
}

async function same(path: string): Promise<unknown> {
  const scalar = await findings(path, 'wu-manber');
  expect(await findings(path, 'teddy')).toEqual(scalar);
  return scalar;
}

const inputs: string[] = [
  ...readSampleCases('samples').cases.map((c) => c.path),
  ...(existsSync('lab/captures') ? readdirSync('lab/captures').flatMap((c) => readdirSync(join('lab/captures', c)).map((v) => join('lab/captures', c, v))) : []),
  ...readdirSync('corpus/real').filter((f) => f.endsWith('.log')).map((f) => join('corpus/real', f)),
];

describe('scan kernel: Teddy and Wu-Manber give the same diagnosis', () => {
  it('on every sample, lab capture and corpus excerpt', async () => {
    expect(inputs.length).toBeGreaterThan(100);
    for (const path of inputs) await same(path);
  }, 600_000);

  it('on a generated benchmark log, also with the way chosen by timing', async () => {
    const log = join(tempDir(), 'tm-24.log');
    await generate(log, 24, { seed: 11 });
    const scalar = (await same(log)) as { findings: { id: string }[] };
    expect(scalar.findings.map((f) => f.id)).toEqual(expect.arrayContaining(['rocksdb-hardlink-unsupported', 'heap-oom', 'disk-full', 'too-many-open-files']));
    expect(await findings(log, 'auto')).toEqual(scalar);
  }, 120_000);
});
