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

describe('text that does not look like text at first', () => {
  it('decodes UTF-16 logs, little- and big-endian, with and without a byte order mark', async () => {
    const d = tempDir();
    const le = Buffer.from(TM, 'utf16le');
    const be = Buffer.from(le);
    be.swap16();
    writeFileSync(join(d, 'le-bom.log'), Buffer.concat([Buffer.from([0xff, 0xfe]), le]));
    writeFileSync(join(d, 'le.log'), le);
    writeFileSync(join(d, 'be-bom.log'), Buffer.concat([Buffer.from([0xfe, 0xff]), be]));
    writeFileSync(join(d, 'be.log'), be);
    for (const f of ['le-bom.log', 'le.log', 'be-bom.log', 'be.log']) {
      const { report } = await jsonReport([join(d, f)]);
      const finding = report.findings.find((x: any) => x.id === ID);
      expect(finding?.checkpoints, f).toEqual([7, 8]);
      expect(report.warnings, f).toEqual([]);
    }
  }, 60_000);

  it('reads a log after a few KiB of garbage, and says how much was skipped', async () => {
    const d = tempDir();
    const garbage = Buffer.from(Array.from({ length: 6000 }, (_, i) => (i * 7919) % 256));
    writeFileSync(join(d, 'tm.log'), Buffer.concat([garbage, Buffer.from(TM)]));
    const { report } = await jsonReport([join(d, 'tm.log')]);
    expect(report.findings.find((x: any) => x.id === ID)?.checkpoints).toEqual([7, 8]);
    expect(report.warnings).toEqual([{ source: join(d, 'tm.log'), message: expect.stringMatching(/^starts with binary data: \d+ bytes that are not text were skipped, the text \([\d.]+ %\) was read$/) }]);
  }, 30_000);

  it('scans the text inside a mostly binary file for known failures', async () => {
    const d = tempDir();
    const noise = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7919) % 256));
    const inst = '/mnt/share/rocks/job_4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a_op_X__1_1__uuid_1';
    const line = `org.rocksdb.RocksDBException: while link file to ${inst}/chk-3.tmp/1.sst: ${inst}/db/1.sst: Not supported`;
    writeFileSync(join(d, 'core.log'), Buffer.concat([noise(50_000), Buffer.from([0]), Buffer.from(line), Buffer.from([0]), noise(50_000)]));
    const { report } = await jsonReport([join(d, 'core.log')]);
    expect(report.findings.find((x: any) => x.id === ID)?.checkpoints).toEqual([3]);
    expect(report.warnings[0].message).toMatch(/^binary data \(not a text log: \d+ % text\); only the text found in it was scanned$/);
  }, 30_000);
});
