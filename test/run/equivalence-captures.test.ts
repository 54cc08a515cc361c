// Every lab capture (logs of real Flink clusters) gives the same JSON report on one thread, spread
// over lanes file by file, with its plain files cut into small byte ranges, and in a pipeline
// (see equivalence.ts).

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { built, cores, equivalenceTests } from './equivalence.js';

const ROOT = 'lab/captures';
const captures: { name: string; path: string }[] = [];
for (const name of existsSync(ROOT) ? readdirSync(ROOT).sort() : []) {
  for (const flink of readdirSync(join(ROOT, name)).sort()) captures.push({ name: `${name}/${flink}`, path: join(ROOT, name, flink) });
}

describe.skipIf(!built || cores < 2)('lab captures: lanes, byte ranges and pipeline give the report of one thread', () => {
  it('are there', () => expect(captures.length).toBeGreaterThan(0));
  equivalenceTests(captures.map((c) => ({ ...c, modes: ['lanes', 'ranges', 'pipeline'] })));
});
