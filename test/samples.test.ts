// Every pattern is proven by its samples: each positive sample fires exactly the expected
// patterns, each near-miss does not fire its own pattern, and every pattern has both kinds.
// The fast path (prefilter) must give the same findings as parsing every record.

import { describe, expect, it } from 'vitest';
import { diagnosePaths } from '../src/diagnose.js';
import { loadPatterns } from '../src/detect/pattern.js';
import { coverageProblems, firedIds, readSampleCases } from '../src/samples.js';
import { toJson } from '../src/report/json.js';

const patterns = loadPatterns();
const { cases, problems } = readSampleCases('samples');

describe('samples', () => {
  it('are well-formed and cover every pattern with a positive and a near-miss sample', () => {
    expect(problems).toEqual([]);
    expect(coverageProblems(patterns, cases)).toEqual([]);
  });

  for (const c of cases) {
    it(`${c.patternId}/${c.name} fires exactly [${c.expected.join(', ')}]`, async () => {
      const d = await diagnosePaths([c.path], { patterns, ignore: [] });
      expect(firedIds(d, patterns)).toEqual(c.expected);
      if (c.kind === 'positive') expect(c.expected).toContain(c.patternId);
      else expect(c.expected).not.toContain(c.patternId);
    });
  }
});

describe('fast path equals the reference scan', () => {
  for (const c of cases) {
    it(`${c.patternId}/${c.name}`, async () => {
      const fast = await diagnosePaths([c.path], { patterns, ignore: [] });
      const full = await diagnosePaths([c.path], { patterns, ignore: [], fullScan: true });
      const strip = (d: typeof fast): unknown => {
        const j = toJson(d) as { stats: unknown; findings: unknown; checkpoints: unknown };
        const inputs = d.inputs.map((s) => ({ name: s.name, role: s.role, roleReason: s.roleReason, version: s.flinkVersion, hosts: s.hosts }));
        return { findings: j.findings, checkpoints: j.checkpoints, inputs };
      };
      expect(strip(fast)).toEqual(strip(full));
    });
  }
});
