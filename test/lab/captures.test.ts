// Every capture of the Flink lab (lab/captures/<case>/<flink-version>/, logs of real clusters)
// is diagnosed as its expect.yaml says, and the lab README's matrix is current.

import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { diagnosePaths } from '../../src/diagnose.js';
import { loadPatterns } from '../../src/detect/pattern.js';
import { toJson } from '../../src/report/json.js';
import { checkReport } from '../../lab/lib/expect.mjs';
import { matrixMarkdown, withMatrix } from '../../lab/lib/matrix.mjs';
import { CASES } from '../../lab/cases.mjs';

const ROOT = 'lab/captures';
const patterns = loadPatterns();

interface Capture { case: string; flink: string; dir: string; expect: Record<string, any> }

const captures: Capture[] = [];
for (const name of existsSync(ROOT) ? readdirSync(ROOT).sort() : []) {
  for (const flink of readdirSync(join(ROOT, name)).sort()) {
    const file = join(ROOT, name, flink, 'expect.yaml');
    if (existsSync(file)) captures.push({ case: name, flink, dir: join(ROOT, name, flink), expect: parse(readFileSync(file, 'utf8')) });
  }
}

const outcomes = new Map<string, string[]>();
async function problemsOf(c: Capture): Promise<string[]> {
  const key = c.dir;
  if (!outcomes.has(key)) {
    const d = await diagnosePaths([c.dir], { patterns, ignore: [] });
    outcomes.set(key, checkReport(toJson(d), c.expect));
  }
  return outcomes.get(key)!;
}

describe('lab captures', () => {
  it('exist, each with a well-formed expect.yaml', () => {
    expect(captures.length).toBeGreaterThan(0);
    for (const c of captures) {
      expect(c.expect.case, c.dir).toBe(c.case);
      expect(c.expect.flink, c.dir).toBe(c.flink);
      expect(Array.isArray(c.expect.fires), c.dir).toBe(true);
      const known = new Set(patterns.map((p) => p.id));
      for (const id of [...c.expect.fires, ...(c.expect.absent ?? [])]) expect(known.has(id), `${c.dir}: unknown pattern ${id}`).toBe(true);
      if (c.expect.fires.length === 0) expect(c.expect.maxSeverity, `${c.dir}: a healthy run caps the severity`).toBe('info');
    }
  });

  for (const c of captures) {
    it(`${c.case} on Flink ${c.flink} is diagnosed ${c.expect.fires.length ? `as ${c.expect.fires.join(', ')}` : 'healthy'}`, async () => {
      expect(await problemsOf(c)).toEqual([]);
    }, 60_000);
  }

  it('matrix in lab/README.md is current', async () => {
    const rows = [];
    for (const c of captures) rows.push({ case: c.case, flink: c.flink, expect: c.expect, ok: (await problemsOf(c)).length === 0 });
    const matrix = matrixMarkdown(CASES, rows);
    const readme = readFileSync('lab/README.md', 'utf8');
    const updated = withMatrix(readme, matrix);
    expect(updated, 'lab/README.md has the matrix markers').not.toBeNull();
    if (process.env.LAB_UPDATE_MATRIX === '1') writeFileSync('lab/README.md', updated!);
    else expect(readme).toBe(updated);
  }, 300_000);
});
