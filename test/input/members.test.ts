// Real-world and hostile inputs: archives, YARN aggregated logs, container wrappers, JSON
// layouts, binary data, unsafe archive entries, decompression bombs, damaged gzip, odd files.

import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import yazl from 'yazl';
import { describe, expect, it } from 'vitest';
import { expandSource, type Member } from '../../src/input/members.js';
import { jsonReport, tempDir } from '../helpers.js';

const TM = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', 'utf8');
const JM = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log', 'utf8');
const CONF = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-conf.yaml', 'utf8');
const ID = 'rocksdb-hardlink-unsupported';

async function tarOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const pack = tar.pack();
  for (const [name, body] of Object.entries(files)) pack.entry({ name }, body);
  pack.finalize();
  const parts: Buffer[] = [];
  for await (const c of pack) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function zipOf(files: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, body] of Object.entries(files)) zip.addBuffer(Buffer.from(body), name);
  zip.end();
  const parts: Buffer[] = [];
  for await (const c of zip.outputStream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function finding(report: any): any {
  return report.findings.find((f: any) => f.id === ID);
}

describe('archives', () => {
  it('reads a .tar.gz support bundle member by member, with archive!member names and roles', async () => {
    const dir = tempDir();
    const bundle = gzipSync(await tarOf({ 'bundle/log/jobmanager.log': JM, 'bundle/log/taskmanager.log.1.gz': gzipSync(TM), 'bundle/conf/flink-conf.yaml': CONF, 'bundle/lib/flink-dist.jar': 'PK' }));
    const file = join(dir, 'support-bundle.tgz');
    writeFileSync(file, bundle);
    const { report } = await jsonReport([file]);
    const f = finding(report);
    expect(f.checkpoints).toEqual([7, 8]);
    expect(f.config.find((c: any) => c.key === 'state.backend.rocksdb.localdir').source.startsWith(`${file}!bundle/`)).toBe(true);
    expect(report.inputs.map((i: any) => i.source)).toContain(`${file}!bundle/conf/flink-conf.yaml`);
    const tm = f.evidence.find((e: any) => e.role === 'taskmanager');
    expect(tm).toMatchObject({ source: `${file}!bundle/log/taskmanager.log.1.gz`, line: 19 });
    expect(report.inputs.find((i: any) => i.source.endsWith('taskmanager.log.1.gz')).gzip).toBe(true);
    expect(report.warnings.map((w: any) => w.message).join('\n')).toMatch(/1 archive member that are not logs .* skipped \(e\.g\. bundle\/lib\/flink-dist\.jar\)/);
  });

  it('reads a zip from a file and from stdin', async () => {
    const dir = tempDir();
    const zip = await zipOf({ 'logs/taskmanager.log': TM, 'logs/jobmanager.log': JM });
    writeFileSync(join(dir, 'logs.zip'), zip);
    const fromFile = await jsonReport([join(dir, 'logs.zip')]);
    expect(finding(fromFile.report).checkpoints).toEqual([7, 8]);
    const fromStdin = await jsonReport(['-'], { stdin: zip });
    expect(finding(fromStdin.report).evidence[0].source).toMatch(/^<stdin>!logs\//);
  });

  it('stops a zip entry that inflates beyond its declared size', async () => {
    const dir = tempDir();
    const zip = await zipOf({ 'logs/taskmanager.log': TM });
    // Shrink the size the central directory states for the entry.
    const cd = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(100, cd + 24);
    writeFileSync(join(dir, 'lying.zip'), zip);
    const { report } = await jsonReport([join(dir, 'lying.zip')]);
    expect(report.warnings.map((w: any) => w.message).join('\n')).toMatch(/zip entry inflates beyond its declared size of 100 bytes/);
    expect(report.inputs[0].bytes).toBeLessThanOrEqual(100);
  });

  it('refuses entries that point outside the archive', async () => {
    const warnings: string[] = [];
    const tarball = await tarOf({ '../../etc/evil.log': TM, 'ok/taskmanager.log': TM });
    const members = await collect(tarball, warnings);
    expect(members).toEqual(['<mem>!ok/taskmanager.log']);
    expect(warnings.join('\n')).toMatch(/<mem>!\.\.\/\.\.\/etc\/evil\.log: archive entry points outside the archive/);
  });

  it('stops a decompression bomb with a warning', async () => {
    const warnings: string[] = [];
    const bomb = gzipSync(Buffer.alloc(8 << 20, 0x41));
    let bytes = 0;
    for await (const m of expandSource({ name: 'bomb.log.gz', kind: 'log', open: () => one(bomb) }, { warn: (s, msg) => warnings.push(`${s}: ${msg}`), maxRatio: 100, minBombBytes: 1 << 20 })) {
      for await (const c of m.chunks) bytes += c.length;
    }
    expect(bytes).toBeLessThan(8 << 20);
    expect(warnings.join('\n')).toMatch(/decompression bomb/);
  });

  it('keeps what a truncated gzip held before the damage, with a warning', async () => {
    const dir = tempDir();
    const noise = Array.from({ length: 4000 }, (_, i) => `2024-03-11 09:17:00,000 INFO  x.Y [] - ${((i * 2654435761) >>> 0).toString(36)}${((i * 40503) >>> 0).toString(16)}`).join('\n');
    const gz = gzipSync(Buffer.from(TM + noise + '\n'));
    writeFileSync(join(dir, 'tm.log.gz'), gz.subarray(0, Math.floor(gz.length * 0.7)));
    const { report } = await jsonReport([join(dir, 'tm.log.gz')]);
    expect(finding(report).checkpoints).toEqual([7, 8]);
    expect(report.warnings[0].message).toMatch(/gzip data is damaged or truncated/);
  });
});

describe('yarn logs -applicationId output', () => {
  function block(container: string, node: string, type: string, body: string, newFormat: boolean): string {
    const head = `Container: ${container} on ${node}`;
    const meta = newFormat
      ? `LogAggregationType: AGGREGATED\n${'='.repeat(head.length)}\nLogType:${type}\nLogLastModifiedTime:Mon Mar 11 09:20:00 +0000 2024\nLogLength:${Buffer.byteLength(body)}\nLogContents:\n`
      : `LogType:${type}\nLog Upload Time:Mon Mar 11 09:20:00 +0000 2024\nLogLength:${Buffer.byteLength(body)}\nLog Contents:\n`;
    return `${head}\n${meta}${body}\nEnd of LogType:${type}\n${'*'.repeat(60)}\n\n`;
  }
  for (const newFormat of [true, false]) {
    it(`splits containers with their role and host (${newFormat ? 'Hadoop 2.9+/3' : 'older'} format)`, async () => {
      const text =
        block('container_1710000000000_0001_01_000001', 'jm-node.example.internal_45454', 'jobmanager.log', JM, newFormat) +
        block('container_1710000000000_0001_01_000001', 'jm-node.example.internal_45454', 'jobmanager.out', '', newFormat) +
        block('container_1710000000000_0001_01_000002', 'tm-node-7.example.internal_45454', 'taskmanager.log', TM.replace(/Starting Kubernetes TaskExecutor runner/, 'Starting YARN TaskExecutor runner'), newFormat);
      const dir = tempDir();
      writeFileSync(join(dir, 'application_1710000000000_0001.log'), text);
      const { report } = await jsonReport([dir]);
      const names = report.inputs.map((i: any) => [i.source.split('!')[1], i.role]);
      expect(names).toEqual([
        ['container_1710000000000_0001_01_000001/jobmanager.log', 'jobmanager'],
        ['container_1710000000000_0001_01_000001/jobmanager.out', 'jobmanager'],
        ['container_1710000000000_0001_01_000002/taskmanager.log', 'taskmanager'],
      ]);
      const f = finding(report);
      expect(f.hosts).toContain('tm-node-7.example.internal');
      expect(f.evidence.find((e: any) => e.role === 'taskmanager').line).toBe(19);
    });
  }
});

describe('container and JSON formats', () => {
  it('docker json-file lines', async () => {
    const lines = TM.split('\n').filter(Boolean).map((l) => JSON.stringify({ log: l + '\n', stream: 'stdout', time: '2024-03-11T09:16:10.812345Z' }));
    const { report } = await jsonReport(['-'], { stdin: lines.join('\n') + '\n' });
    expect(finding(report).checkpoints).toEqual([7, 8]);
    expect(finding(report).evidence[0].line).toBe(19);
  });

  it('CRI lines with partial lines joined', async () => {
    const out: string[] = [];
    TM.split('\n').filter(Boolean).forEach((l) => {
      if (l.length > 200) {
        out.push(`2024-03-11T09:16:10.812345678Z stderr P ${l.slice(0, 100)}`);
        out.push(`2024-03-11T09:16:10.812345678Z stderr F ${l.slice(100)}`);
      } else out.push(`2024-03-11T09:16:10.812345678Z stdout F ${l}`);
    });
    const { report } = await jsonReport(['-'], { stdin: out.join('\n') + '\n' });
    expect(finding(report).checkpoints).toEqual([7, 8]);
  });

  it('log4j2 JSON layouts with the stack trace in a field (ECS and JsonLayout)', async () => {
    const inst = '/mnt/share/rocks/job_4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a_op_X__1_1__uuid_1';
    const ecs = JSON.stringify({
      '@timestamp': '2024-03-11T09:16:10.812Z',
      'log.level': 'INFO',
      message: 'Could not complete snapshot 7 for operator KeyedProcess (1/2)#0. Failure reason: Checkpoint was declined.',
      'log.logger': 'org.apache.flink.streaming.runtime.tasks.RegularOperatorChain',
      'error.type': 'org.apache.flink.runtime.checkpoint.CheckpointException',
      'error.stack_trace': `org.apache.flink.runtime.checkpoint.CheckpointException: Could not complete snapshot 7\n\tat a.b.C(C.java:1)\nCaused by: org.rocksdb.RocksDBException: while link file to ${inst}/chk-7.tmp/000022.sst: ${inst}/db/000022.sst: Operation not supported\n\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)`,
    });
    const jsonLayout = JSON.stringify({
      instant: { epochSecond: 1710148600, nanoOfSecond: 917000000 },
      level: 'INFO',
      loggerName: 'org.apache.flink.streaming.runtime.tasks.RegularOperatorChain',
      message: 'Could not complete snapshot 8 for operator KeyedProcess (1/2)#1. Failure reason: Checkpoint was declined.',
      thrown: { name: 'org.apache.flink.runtime.checkpoint.CheckpointException', message: 'Could not complete snapshot 8', extendedStackTrace: [{ class: 'a.b.C', method: 'd', file: 'C.java', line: 1 }], cause: { name: 'org.rocksdb.RocksDBException', message: `while link file to ${inst}/chk-8.tmp/000031.sst: ${inst}/db/000031.sst: Operation not supported` } },
    });
    const { report } = await jsonReport(['-'], { stdin: `${ecs}\n${jsonLayout}\n` });
    const f = finding(report);
    expect(f.checkpoints).toEqual([7, 8]);
    expect(f.tasks).toEqual(['KeyedProcess (1/2)']);
    expect(f.firstSeen).toBe('2024-03-11T09:16:10.812Z');
    expect(f.evidence.map((e: any) => e.line).sort()).toEqual([1, 2]);
    // A first record longer than the 64 KiB the format is sniffed from is still recognised.
    const long = JSON.stringify({ '@timestamp': '2024-03-11T09:16:00.000Z', 'log.level': 'INFO', message: `config dump ${'x'.repeat(100_000)}`, 'log.logger': 'a.b.C' });
    const again = await jsonReport(['-'], { stdin: `${long}\n${ecs}\n${jsonLayout}\n` });
    expect(finding(again.report).checkpoints).toEqual([7, 8]);
  });

  it('docker-compose and kubectl prefixes on several interleaved pods', async () => {
    const text = TM.split('\n').filter(Boolean).map((l) => `taskmanager_1  | ${l}`).join('\n');
    const { report } = await jsonReport(['-'], { stdin: text });
    expect(finding(report).checkpoints).toEqual([7, 8]);
  });
});

describe('hostile input', () => {
  it('says a binary file is binary, scans only its text, and still reads the good ones', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'core.log'), Buffer.from(Array.from({ length: 5000 }, (_, i) => (i * 7919) % 256)));
    writeFileSync(join(dir, 'taskmanager.log'), TM);
    const { report } = await jsonReport([dir]);
    expect(report.warnings).toContainEqual({ source: join(dir, 'core.log'), message: expect.stringMatching(/^binary data \(not a text log: \d+ % text\); only the text found in it was scanned$/) });
    expect(finding(report).checkpoints).toEqual([7, 8]);
  });

  it('reads through NUL runs and invalid UTF-8 in a text log', async () => {
    const dir = tempDir();
    const body = Buffer.concat([Buffer.from(TM.slice(0, 2000)), Buffer.alloc(300, 0), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x0a]), Buffer.from(TM.slice(2000))]);
    writeFileSync(join(dir, 'tm.log'), body);
    const { report } = await jsonReport([join(dir, 'tm.log')]);
    expect(finding(report).checkpoints).toEqual([7, 8]);
  });

  it('survives symlink loops and empty files', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'a', 'loop'));
    writeFileSync(join(dir, 'a', 'empty.log'), '');
    writeFileSync(join(dir, 'a', 'taskmanager.log'), TM);
    const { report } = await jsonReport([dir]);
    expect(finding(report).checkpoints).toEqual([7, 8]);
    expect(report.warnings.map((w: any) => w.message)).toContain('file is empty');
  });

  it('reads a directory of thousands of files', async () => {
    const dir = tempDir();
    for (let i = 0; i < 2000; i++) writeFileSync(join(dir, `tm-${i}.log`), i === 1234 ? TM : `2024-03-11 09:00:00,000 INFO  x.Y [] - line ${i}\n`);
    const { report } = await jsonReport([dir]);
    expect(report.inputs).toHaveLength(2000);
    expect(finding(report).evidence[0].source).toBe(join(dir, 'tm-1234.log'));
  }, 60_000);

  it('finds a failure at the end of a 24 MiB line without a newline, with a warning', async () => {
    const dir = tempDir();
    const inst = '/mnt/share/rocks/job_4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a_op_X__1_1__uuid_1';
    writeFileSync(join(dir, 'huge.log'), Buffer.concat([Buffer.alloc(24 << 20, 0x61), Buffer.from(` org.rocksdb.RocksDBException: while link file to ${inst}/chk-3.tmp/1.sst: ${inst}/db/1.sst: Not supported`)]));
    const { report } = await jsonReport([join(dir, 'huge.log')]);
    expect(finding(report).checkpoints).toEqual([3]);
    expect(report.warnings[0].message).toMatch(/longer than \d+ MiB without a newline/);
  });
});

async function* one(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

async function collect(buf: Buffer, warnings: string[]): Promise<string[]> {
  const names: string[] = [];
  for await (const m of expandSource({ name: '<mem>', kind: 'log', open: () => one(buf) }, { warn: (s, msg) => warnings.push(`${s}: ${msg}`) }) as AsyncIterable<Member>) {
    names.push(m.name);
    for await (const _ of m.chunks) void _;
  }
  return names;
}
