// Pattern samples: samples/<area>/<id>/ holds positive-* and near-miss-* logs (files or
// directories) and expect.yaml naming, per sample, the exact set of pattern ids that must fire.
// Used by `flink-doctor patterns test`, `patterns lint` and the test suite.

import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { globLib, yamlLib } from './lazy.js';
import { diagnosePaths } from './diagnose.js';
import type { Pattern } from './detect/pattern-spec.js';
import type { Diagnosis } from './model.js';

/** One sample and what must fire on it. */
export interface SampleCase {
  patternId: string;
  dir: string;
  name: string;
  path: string;
  kind: 'positive' | 'near-miss';
  expected: string[];
}

/** Outcome of one sample. */
export interface SampleResult extends SampleCase {
  actual: string[];
  ok: boolean;
  problem: string | null;
}

/** Pattern ids that fired in a diagnosis: findings, muted findings and consequences that are patterns. */
export function firedIds(d: Diagnosis, patterns: Pattern[]): string[] {
  const known = new Set(patterns.map((p) => p.id));
  const ids = new Set<string>();
  for (const f of [...d.findings, ...d.muted]) {
    ids.add(f.id);
    for (const c of f.consequences) if (known.has(c.id)) ids.add(c.id);
  }
  return [...ids].sort();
}

/** Reads the sample cases below a samples root. Problems (bad expect.yaml) are returned as strings. */
export function readSampleCases(root: string): { cases: SampleCase[]; problems: string[] } {
  const cases: SampleCase[] = [];
  const problems: string[] = [];
  for (const expectFile of globLib().sync('*/*/expect.yaml', { cwd: root, absolute: true }).sort()) {
    const dir = expectFile.slice(0, -'/expect.yaml'.length);
    const patternId = dir.split('/').pop()!;
    let data: unknown;
    try {
      data = yamlLib().parse(readFileSync(expectFile, 'utf8'));
    } catch (e) {
      problems.push(`${relative(process.cwd(), expectFile)}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (!data || typeof data !== 'object') {
      problems.push(`${relative(process.cwd(), expectFile)}: expected a mapping of sample name to pattern ids`);
      continue;
    }
    for (const [name, ids] of Object.entries(data as Record<string, unknown>)) {
      const path = join(dir, name);
      const kind = name.startsWith('near-miss') ? 'near-miss' : name.startsWith('positive') ? 'positive' : null;
      if (!kind) problems.push(`${relative(process.cwd(), path)}: sample names start with positive or near-miss`);
      else if (!existsSync(path)) problems.push(`${relative(process.cwd(), expectFile)}: names ${name}, which does not exist`);
      else if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) problems.push(`${relative(process.cwd(), expectFile)}: ${name}: expected a list of pattern ids`);
      else cases.push({ patternId, dir, name, path, kind, expected: [...(ids as string[])].sort() });
    }
    for (const f of globLib().sync('*', { cwd: dir, onlyFiles: false }).filter((f) => f !== 'expect.yaml')) {
      if (!(f in (data as object))) problems.push(`${relative(process.cwd(), join(dir, f))}: sample not listed in expect.yaml`);
    }
  }
  return { cases, problems };
}

/** Runs every sample case and compares what fired with what is expected. */
export async function runSamples(cases: SampleCase[], patterns: Pattern[]): Promise<SampleResult[]> {
  const out: SampleResult[] = [];
  for (const c of cases) {
    const d = await diagnosePaths([c.path], { patterns, ignore: [] });
    const actual = firedIds(d, patterns);
    let problem: string | null = null;
    if (c.kind === 'positive' && !c.expected.includes(c.patternId)) problem = `a positive sample must expect ${c.patternId}`;
    else if (c.kind === 'near-miss' && c.expected.includes(c.patternId)) problem = `a near-miss sample must not expect ${c.patternId}`;
    else if (actual.join(',') !== c.expected.join(',')) problem = `expected [${c.expected.join(', ')}], got [${actual.join(', ')}]`;
    out.push({ ...c, actual, ok: problem === null, problem });
  }
  return out;
}

/** Patterns that lack a positive or a near-miss sample. */
export function coverageProblems(patterns: Pattern[], cases: SampleCase[]): string[] {
  const problems: string[] = [];
  for (const p of patterns) {
    const mine = cases.filter((c) => c.patternId === p.id);
    if (!mine.some((c) => c.kind === 'positive')) problems.push(`${p.id}: no positive sample in samples/${p.area}/${p.id}/`);
    if (!mine.some((c) => c.kind === 'near-miss')) problems.push(`${p.id}: no near-miss sample in samples/${p.area}/${p.id}/`);
    if (mine.length > 0 && !mine[0]!.dir.endsWith(`${p.area}/${p.id}`)) problems.push(`${p.id}: samples belong in samples/${p.area}/${p.id}/`);
  }
  return problems;
}

