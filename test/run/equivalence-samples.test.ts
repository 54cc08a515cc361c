// Every sample gives the same JSON report on one thread, with its plain files cut into small byte
// ranges merged from lanes, and in a pipeline; a sample directory also spread over lanes file by
// file (see equivalence.ts).

import { statSync } from 'node:fs';
import { describe } from 'vitest';
import { readSampleCases } from '../../src/samples.js';
import { built, cores, equivalenceTests, type Mode } from './equivalence.js';

const { cases } = readSampleCases('samples');

describe.skipIf(!built || cores < 2)('samples: lanes, byte ranges and pipeline give the report of one thread', () => {
  equivalenceTests(
    cases.map((c) => ({
      name: `${c.patternId}/${c.name}`,
      path: c.path,
      modes: (statSync(c.path).isDirectory() ? ['lanes', 'ranges', 'pipeline'] : ['ranges', 'pipeline']) as Mode[],
    })),
  );
});
