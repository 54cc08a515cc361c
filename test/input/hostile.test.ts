// Hostile and unlucky input: directory link cycles, decompression bombs, archives with one bad
// entry, UTF-16 and garbage-prefixed logs, files that shrink while read, closed standard input.
// Timeouts here are limits against hangs, not measurements (npm run bench measures).

import { existsSync, mkdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveInputs } from '../../src/input/sources.js';
import { diagnosePaths } from '../../src/diagnose.js';
import { expandSource, type ExpandOptions } from '../../src/input/members.js';
import { gzipSync } from 'node:zlib';
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import yazl from 'yazl';
import { cli, jsonReport, tempDir } from '../helpers.js';

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

describe('files that change while read', () => {
  it('warns when a file shrinks while it is scanned', async () => {
    const d = tempDir();
    const p = join(d, 'taskmanager.log');
    const line = '2024-03-11 09:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - routine work of the task executor\n';
    writeFileSync(p, TM + line.repeat(Math.ceil((24 << 20) / line.length)));
    let truncated = false;
    const d2 = await diagnosePaths([p], {
      onProgress: (pr) => {
        if (!truncated && pr.bytesDone > 0) {
          truncated = true;
          truncateSync(p, 3 << 20);
        }
      },
    });
    expect(truncated).toBe(true);
    expect(d2.warnings.map((w) => w.message)).toContainEqual(expect.stringMatching(/^file shrank while it was read \(from \d+ to \d+ bytes\)/));
    expect(d2.findings.find((f) => f.id === ID)?.checkpoints).toEqual([7, 8]);
  }, 60_000);
});

describe('decompression bombs', () => {
  /** The bytes in chunks of `step`, as a file is read. */
  async function* chunked(b: Buffer, step: number): AsyncGenerator<Buffer> {
    for (let i = 0; i < b.length; i += step) yield b.subarray(i, i + step);
  }
  async function expand(buf: Buffer, opts: Partial<ExpandOptions>, step = 1 << 20): Promise<{ bytes: number; warnings: string[] }> {
    const warnings: string[] = [];
    let bytes = 0;
    for await (const m of expandSource({ name: 'x.log.gz', kind: 'log', open: () => chunked(buf, step) }, { warn: (_s, msg) => warnings.push(msg), ...opts })) {
      for await (const c of m.chunks) bytes += c.length;
    }
    return { bytes, warnings };
  }

  it('stops a gzip -1 bomb (229:1, below deflate\'s maximum) once it is past the ratio', async () => {
    const bomb = gzipSync(Buffer.alloc(32 << 20), { level: 1 });
    const r = await expand(bomb, { minBombBytes: 1 << 20 }, 16 << 10);
    expect(r.warnings).toEqual([expect.stringMatching(/^gzip data inflates more than 200:1 .*decompression bomb, the rest was not read \(--max-inflated raises the limits\)$/)]);
    expect(r.bytes).toBeLessThanOrEqual(8 << 20);
  }, 30_000);

  it('bounds what one member inflates to, whatever its ratio', async () => {
    const text = Buffer.from(TM.repeat(200)); // a real log, compressing as logs do
    const r = await expand(gzipSync(text), { maxInflated: 1 << 20 });
    expect(r.warnings).toEqual([expect.stringMatching(/^gzip data inflates to more than 1\.0 MiB, more than a log holds; the rest was not read \(--max-inflated raises the limit\)$/)]);
    expect(r.bytes).toBeLessThanOrEqual(1 << 20);
    expect((await expand(gzipSync(text), {})).warnings).toEqual([]);
  }, 30_000);

  it('bounds what a whole scan inflates, and --max-inflated raises both bounds', async () => {
    const d = tempDir();
    const gz = gzipSync(Buffer.from(TM.repeat(100))); // about 0.8 MiB inflated each
    for (let i = 0; i < 8; i++) writeFileSync(join(d, `tm-${i}.log.gz`), gz);
    const small = await jsonReport(['--max-inflated', '1M', d]);
    const spent = small.report.warnings.filter((w: any) => /inflated to more than 4\.0 MiB in all/.test(w.message));
    expect(spent).toHaveLength(1);
    expect(small.report.stats.bytes).toBeLessThanOrEqual(4 << 20);
    const big = await jsonReport(['--max-inflated', '1G', d]);
    expect(big.report.warnings).toEqual([]);
    expect(big.report.stats.bytes).toBe(8 * TM.length * 100);
    const bad = await cli(['--max-inflated', 'lots', d]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--max-inflated: 'lots' is not a size/);
  }, 60_000);
});

describe('archives with one bad entry', () => {
  it('refuses a zip entry that points outside the archive and reads the others', async () => {
    const d = tempDir();
    const zip = new yazl.ZipFile();
    zip.addBuffer(Buffer.from(TM), 'logs/taskmanager.log');
    const up = '../../../../../evil.log';
    const abs = '/etc/abs-evil.log';
    const upStandIn = 'x'.repeat(up.length - 4) + '.log';
    const absStandIn = 'y'.repeat(abs.length - 4) + '.log';
    zip.addBuffer(Buffer.from('evil\n'), upStandIn);
    zip.addBuffer(Buffer.from('evil\n'), absStandIn);
    zip.end();
    const parts: Buffer[] = [];
    for await (const c of zip.outputStream) parts.push(c as Buffer);
    // yazl refuses to write unsafe names: put them in by rewriting same-length names in place.
    let buf = Buffer.concat(parts);
    buf = Buffer.from(buf.toString('latin1').replaceAll(upStandIn, up).replaceAll(absStandIn, abs), 'latin1');
    writeFileSync(join(d, 'bundle.zip'), buf);
    for (const argv of [[join(d, 'bundle.zip')], ['-']]) {
      const { report } = await jsonReport(argv, argv[0] === '-' ? { stdin: buf } : {});
      expect(report.findings.find((x: any) => x.id === ID)?.checkpoints).toEqual([7, 8]);
      const refused = report.warnings.filter((w: any) => /points outside the archive/.test(w.message)).map((w: any) => w.source.replace(/^.*!/, ''));
      expect(refused.sort()).toEqual(['../../../../../evil.log', '/etc/abs-evil.log']);
    }
  }, 30_000);
});

describe('interrupts and standard input', () => {
  const bin = join(process.cwd(), 'bin', 'flink-doctor.js');

  /** Starts the built CLI reading a pipe that stays open, feeds it a log, and sends `sig` once the log was read. */
  async function interrupted(sig: NodeJS.Signals): Promise<{ code: number | null; report: any }> {
    const child = spawn(process.execPath, [bin, '-f', 'json', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.stdin.write(TM);
    // The scan has read the log when the process has been idle for a while; no end of input comes.
    await new Promise((r) => setTimeout(r, 1500));
    const sent = Date.now();
    child.kill(sig);
    const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    expect(Date.now() - sent, err).toBeLessThan(10_000);
    return { code, report: JSON.parse(out) };
  }

  it('SIGTERM ends the scan like Ctrl-C: the report of what was read, marked interrupted, exit 143', async () => {
    const { code, report } = await interrupted('SIGTERM');
    expect(code).toBe(143);
    expect(report.interrupted).toBe(true);
    expect(report.findings.find((x: any) => x.id === ID)?.checkpoints).toEqual([7, 8]);
  }, 60_000);

  it('Ctrl-C gives the report of what was read, marked interrupted, exit 130', async () => {
    const { code, report } = await interrupted('SIGINT');
    expect(code).toBe(130);
    expect(report.interrupted).toBe(true);
  }, 60_000);

  // Against the build: the pipeline's worker runs compiled scripts.
  it.skipIf(!existsSync('dist/run/worker.bundle.js') || availableParallelism() < 2)('Ctrl-C during a two-thread pipeline is never lost', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const d = tempDir();
    const p = join(d, 'taskmanager.log');
    const line = '2024-03-11 09:00:00,000 WARN  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - java.io.IOException: something failed again\n';
    writeFileSync(p, TM + line.repeat(Math.ceil((48 << 20) / line.length)));
    const whole = await diagnosePaths([p], { workers: 'auto', tuning: { pipelineMinBytes: 1 } });
    expect(whole.stats.threads).toBe(2);
    for (const delay of [0, 50, 400]) {
      const controller = new AbortController();
      let abortedAt = 0;
      const timer = setTimeout(() => {
        abortedAt = Date.now();
        controller.abort();
      }, delay);
      const result = await diagnosePaths([p], { workers: 'auto', tuning: { pipelineMinBytes: 1 }, signal: controller.signal });
      clearTimeout(timer);
      if (abortedAt) expect(Date.now() - abortedAt, 'a limit against hangs, not a measurement').toBeLessThan(10_000);
      // Aborted before the scan ended, or the scan ended first: either way the result says which.
      expect(result.interrupted, `abort after ${delay} ms`).toBe(controller.signal.aborted);
    }
  }, 120_000);

  it('says that a closed standard input is closed, exit 2', () => {
    const r = spawnSync('bash', ['-c', `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} -f json <&-`], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout).warnings).toEqual([{ source: '<stdin>', message: expect.stringMatching(/^standard input is closed/) }]);
    expect(r.stderr).toMatch(/standard input is closed/);
  }, 30_000);
});
