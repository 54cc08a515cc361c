// Hostile and unlucky input: directory link cycles, decompression bombs, archives with one bad
// entry, UTF-16 and garbage-prefixed logs, files that shrink while read, closed standard input.
// Timeouts here are limits against hangs, not measurements (npm run bench measures).

import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInputs } from '../../src/input/sources.js';
import { jsonReport, tempDir } from '../helpers.js';

const TM = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', 'utf8');
const ID = 'rocksdb-hardlink-unsupported';

describe('directory walks', () => {
  it('follows links but visits each real directory and file once (link cycles end)', async () => {
    const d = tempDir();
    writeFileSync(join(d, 'taskmanager.log'), TM);
    symlinkSync('.', join(d, 'self'));
    mkdirSync(join(d, 'sub'));
    symlinkSync('..', join(d, 'sub', 'back'));
    writeFileSync(join(d, 'sub', 'jobmanager.log'), 'x\n');
    // A link to a file already found, and a link to a directory outside the walk: followed once.
    symlinkSync(join(d, 'taskmanager.log'), join(d, 'sub', 'again.log'));
    const outside = tempDir();
    writeFileSync(join(outside, 'other.log'), 'y\n');
    symlinkSync(outside, join(d, 'sub', 'outside'));
    const { sources, warnings } = await resolveInputs([d]);
    const names = sources.map((s) => s.name.slice(d.length + 1)).sort();
    expect(names).toEqual(['sub/jobmanager.log', 'sub/outside/other.log', 'taskmanager.log']);
    expect(warnings).toEqual([]);
    const { report } = await jsonReport([d]);
    const f = report.findings.find((x: any) => x.id === ID);
    expect(f).toBeDefined();
    expect(report.inputs.length).toBe(3);
  }, 30_000);
});
