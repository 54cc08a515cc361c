// A pipelined scan (the calling thread scans, a worker thread parses and detects the records it
// is handed as bytes) gives exactly the diagnosis of a scan on one thread: on a directory of
// logs, configuration and a gzip file, on over-long and endless lines, and on standard input
// redirected from a file. Runs against the build (the worker needs compiled scripts).

import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';

const built = existsSync('dist/diagnose.js') && existsSync('dist/run/worker.bundle.js');
const SAMPLE = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files';

function comparable(d: any): unknown {
  return {
    findings: d.findings,
    unknown: d.unknown,
    inputs: d.inputs,
    checkpoints: d.checkpoints,
    checkpointRuns: d.checkpointRuns,
    jobTransitions: d.jobTransitions,
    config: d.config,
    warnings: d.warnings,
    lines: d.stats.lines,
    bytes: d.stats.bytes,
    events: d.stats.events,
  };
}

describe.skipIf(!built || availableParallelism() < 2)('pipelined scan', () => {
  it('gives the diagnosis of a scan on one thread, for a directory of logs, configuration and gzip', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    mkdirSync(join(dir, 'logs'));
    for (const f of readdirSync(SAMPLE)) writeFileSync(join(dir, 'logs', f), readFileSync(join(SAMPLE, f)));
    // Noise with stack traces, problem lines and a line over 64 KiB (read in windows around hits).
    const noise = (i: number): string =>
      `2024-03-11 09:${String(10 + (i % 40)).padStart(2, '0')}:00,000 ${i % 13 === 0 ? 'WARN ' : 'INFO '} org.example.Job [] - record ${i} Müller\n` +
      (i % 29 === 0 ? `java.lang.IllegalStateException: odd state ${i}\n\tat org.example.Job.run(Job.java:${i})\n\tat java.lang.Thread.run(Thread.java:750)\n` : '') +
      (i === 777 ? `2024-03-11 09:20:00,000 ERROR org.example.Job [] - ${'y'.repeat(100_000)} java.lang.OutOfMemoryError: Java heap space ${'z'.repeat(50_000)}\n` : '');
    let body = '';
    for (let i = 0; i < 3000; i++) body += noise(i);
    writeFileSync(join(dir, 'logs', 'flink-taskexecutor-noise.log'), body);
    writeFileSync(join(dir, 'logs', 'rotated.log.gz'), gzipSync(readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.9-decline-log4j1.log')));
    const serial = await diagnosePaths([join(dir, 'logs')], { workers: 1 });
    const piped = await diagnosePaths([join(dir, 'logs')], { workers: 'auto', tuning: { pipelineMinBytes: 0 } });
    expect(piped.stats.threads).toBe(2);
    expect(serial.stats.threads).toBe(1);
    expect(comparable(piped)).toEqual(comparable(serial));
    expect(piped.findings.map((f: any) => f.id)).toContain('rocksdb-hardlink-unsupported');
    expect(piped.unknown.length).toBeGreaterThan(0);
  }, 60_000);

  it('hands on pieces of a line without a newline longer than the carry limit', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    const file = join(dir, 'endless.log');
    const inst = '/mnt/share/rocks/job_5e1c0a9b7d3f2e4c6a8b0d1f3e5a7c9b_op_X__1_1__uuid_1';
    writeFileSync(file, Buffer.concat([Buffer.alloc(12 << 20, 0x61), Buffer.from(` org.rocksdb.RocksDBException: while link file to ${inst}/chk-3.tmp/1.sst: ${inst}/db/1.sst: Not supported`)]));
    const serial = await diagnosePaths([file], { workers: 1 });
    const piped = await diagnosePaths([file], { workers: 'auto', tuning: { pipelineMinBytes: 0 } });
    expect(piped.stats.threads).toBe(2);
    expect(comparable(piped)).toEqual(comparable(serial));
    expect(piped.findings.map((f: any) => f.id)).toEqual(['rocksdb-hardlink-unsupported']);
  }, 60_000);

  it('stops when asked, with the findings read so far and every file closed', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    const line = '2024-03-11 09:00:00,000 WARN  org.example.Job [] - nothing much here\n';
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `tm-${i}.log`), line.repeat(60_000));
    const openFds = (): number => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const before = openFds();
    for (const delay of [0, 5]) {
      const c = new AbortController();
      if (delay === 0) c.abort();
      else setTimeout(() => c.abort(), delay);
      const d = await diagnosePaths([dir], { workers: 'auto', tuning: { pipelineMinBytes: 0 }, signal: c.signal });
      expect(d.interrupted).toBe(true);
    }
    for (let i = 0; i < 50 && openFds() > before; i++) await new Promise((r) => setTimeout(r, 20));
    expect(openFds()).toBe(before);
  }, 60_000);
});
