// The real-world corpus (corpus/real): every excerpt is well-formed, no excerpt raises a false
// alarm (beyond those listed by name in corpus/thresholds.json), and recall over the excerpts
// labelled with an existing pattern id stays at or above corpus/thresholds.json. The rules are in
// corpus/README.md; `npm run corpus` prints the same figures with the misses.

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaths } from '../src/diagnose.js';
import { loadPatterns } from '../src/detect/pattern.js';
import { checkEntry, evaluate, readCorpus, readPlannedIds, readThresholds, thresholdProblems, type CorpusSummary } from '../scripts/corpus.mjs';

const patterns = loadPatterns();
const known = patterns.map((p) => p.id);
const planned = readPlannedIds();
const diagnose = (p: string) => diagnosePaths([p], { patterns, ignore: [] });

async function run(dir: string): Promise<{ problems: string[]; summary: CorpusSummary }> {
  const { format, entries, problems } = readCorpus(dir);
  for (const e of entries) problems.push(...checkEntry(e, new Set(known), new Set(planned), format));
  return { problems, summary: await evaluate(entries, diagnose, known, planned, format) };
}

describe('corpus/real', () => {
  it('planned ids are not pattern ids already (an implemented id leaves the planned list)', () => {
    // A planned id that now has a pattern is simply known; the list only has to stay free of typos.
    for (const id of planned) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('is well-formed, has no false alarm and keeps its recall', async () => {
    const { problems, summary } = await run(join(process.cwd(), 'corpus', 'real'));
    expect(problems).toEqual([]);
    expect(summary.counts.invalid).toBe(0);
    expect(thresholdProblems(summary, readThresholds())).toEqual([]);
  }, 300_000);
});

const SHARED = join(process.cwd(), '..', 'shared', 'corpus');

describe.skipIf(!existsSync(SHARED))('../shared/corpus (labels.json)', () => {
  it('every labelled failure is named and nothing else is raised', async () => {
    const { summary } = await run(SHARED);
    expect(summary.errors).toEqual([]);
    expect(summary.misses).toEqual([]);
    expect(summary.falseAlarms).toEqual([]);
  }, 120_000);
});
