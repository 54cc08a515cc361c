// End-to-end tests of the seed failure: RocksDB cannot hard-link in its local directory.

import { copyFileSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { jsonReport, tempDir } from './helpers.js';

const SEED = 'samples/rocksdb/rocksdb-hardlink-unsupported';
const AZURE = `${SEED}/positive-1.17-azure-files`;
const TM = `${AZURE}/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log`;
const JM = `${AZURE}/flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log`;
const JOB = '4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a';
const ID = 'rocksdb-hardlink-unsupported';

function finding(report: any, id = ID): any {
  return report.findings.find((f: any) => f.id === id);
}

describe('seed failure, Flink 1.17 JobManager + TaskManager + flink-conf.yaml (directory)', () => {
  it('names the root cause once, with checkpoints, job, task, hosts and config', async () => {
    const { code, report } = await jsonReport([AZURE]);
    expect(code).toBe(1);
    expect(report.schemaVersion).toBe(1);
    expect(report.findings.map((f: any) => f.id)).toEqual([ID]);
    const f = finding(report);
    expect(f.severity).toBe('critical');
    expect(f.checkpoints).toEqual([7, 8]);
    expect(f.jobs).toEqual([JOB]);
    expect(f.tasks).toEqual(['KeyedProcess (1/2)']);
    expect(f.hosts).toContain('10.42.1.17');
    expect(f.occurrences).toBe(2);
    expect(f.events).toBe(6);
    expect(f.firstSeen).toBe('2024-03-11T09:16:10.812');
    expect(f.lastSeen).toBe('2024-03-11T09:16:40.931');
    expect(f.summary).toContain('/mnt/checkpoints/job');
    expect(f.summary).toContain('Operation not supported');
    expect(f.remediation).toContain('state.backend.rocksdb.localdir: /tmp/flink-rocksdb');
    expect(f.remediation).toContain('state.checkpoints.dir: file:///mnt/checkpoints');
    expect(f.impact.join('\n')).toMatch(/same mount as the checkpoint directory file:\/\/\/mnt\/checkpoints/);
    expect(f.impact.join('\n')).toMatch(/Last completed checkpoint before the failures: 6 of job 4b1d/);
    expect(f.impact.join('\n')).toMatch(/restarted 2 times/);
  });

  it('points evidence at the decisive line of each side', async () => {
    const { report } = await jsonReport([AZURE]);
    const ev = finding(report).evidence;
    const tm = ev.find((e: any) => e.role === 'taskmanager');
    const jm = ev.find((e: any) => e.role === 'jobmanager');
    expect(tm).toMatchObject({ source: TM, line: 19 });
    expect(tm.text).toMatch(/^Caused by: org\.rocksdb\.RocksDBException: while link file to .*chk-7\.tmp/);
    expect(jm.source).toBe(JM);
    expect(readFileSync(JM, 'utf8').split('\n')[jm.line - 1]).toBe(jm.text);
  });

  it('shows each configuration value with the file and line where it was seen', async () => {
    const { report } = await jsonReport([AZURE]);
    const cfg = finding(report).config;
    const keys = cfg.map((c: any) => c.key);
    expect(keys).toEqual(expect.arrayContaining(['state.backend', 'state.backend.incremental', 'state.checkpoints.dir', 'state.backend.rocksdb.localdir']));
    const local = cfg.find((c: any) => c.key === 'state.backend.rocksdb.localdir');
    expect(local.value).toBe('/mnt/checkpoints/job');
    expect(readFileSync(local.source, 'utf8').split('\n')[local.line - 1]).toContain('/mnt/checkpoints/job');
  });

  it('attaches restarts, task failures and aborted checkpoints as consequences', async () => {
    const { report } = await jsonReport([AZURE]);
    const cons = Object.fromEntries(finding(report).consequences.map((c: any) => [c.id, c.count]));
    expect(cons['job-restart']).toBe(2);
    expect(cons['task-failure']).toBe(2);
    expect(cons['checkpoint-aborted']).toBe(2);
  });

  it('rebuilds the checkpoint timeline from the JobManager log', async () => {
    const { report } = await jsonReport([AZURE]);
    const states = Object.fromEntries(report.checkpoints.map((c: any) => [c.id, c.state]));
    expect(states).toMatchObject({ 1: 'completed', 5: 'completed', 6: 'completed', 7: 'aborted', 8: 'aborted' });
    expect(report.inputs.map((i: any) => [i.role, i.flinkVersion])).toEqual([
      ['unknown', null],
      ['jobmanager', '1.17.2'],
      ['taskmanager', '1.17.2'],
    ]);
  });

  it('diagnoses from the TaskManager alone and says what could not be checked', async () => {
    const { report } = await jsonReport([TM]);
    const f = finding(report);
    expect(f.checkpoints).toEqual([7, 8]);
    expect(f.unchecked.join(' ')).toMatch(/No JobManager log/);
    expect(f.config.map((c: any) => c.key)).toContain('state.backend.rocksdb.localdir');
  });
});

describe('seed failure, other versions and shapes', () => {
  it('1.9 decline path: decline, discard and tolerable-failure threshold hang under the root', async () => {
    const { report } = await jsonReport([`${SEED}/positive-1.9-decline-log4j1.log`]);
    expect(report.findings.map((f: any) => f.id)).toEqual([ID]);
    const f = finding(report);
    expect(f.checkpoints).toEqual([3]);
    expect(f.occurrences).toBe(1);
    expect(f.summary).toContain('Operation not permitted');
    expect(f.summary).toContain('/mnt/azurefiles/flink/rocksdb');
    const ids = f.consequences.map((c: any) => c.id);
    expect(ids).toEqual(expect.arrayContaining(['checkpoint-declined', 'checkpoint-tolerable-failures', 'job-restart']));
  });

  it('a pasted bare trace on stdin (no timestamps, SerializedThrowable, musl wording)', async () => {
    const text = readFileSync(`${SEED}/positive-pasted-bare-trace.txt`);
    const { code, report } = await jsonReport(['-'], { stdin: text });
    expect(code).toBe(1);
    const f = finding(report);
    expect(f.firstSeen).toBeNull();
    expect(f.checkpoints).toEqual([12]);
    expect(f.tasks).toEqual(['Sink: Kafka (3/4)']);
    expect(f.evidence[0].source).toBe('<stdin>');
    expect(f.evidence[0].line).toBe(5);
    expect(f.summary).toContain('"Not supported"');
  });

  it('a whole trace flattened onto one line', async () => {
    const { report } = await jsonReport([`${SEED}/positive-flattened-one-line.log`]);
    const f = finding(report);
    expect(f.checkpoints).toEqual([2]);
    expect(f.summary).toContain('Function not implemented');
  });

  it('Flink 2.0 package names, kubectl --prefix --timestamps and CRLF line ends', async () => {
    const dir = tempDir();
    const src = readFileSync(TM, 'utf8').replace(/org\.apache\.flink\.contrib\.streaming\.state/g, 'org.apache.flink.state.rocksdb').replace(/1\.17\.2/g, '2.0.0').replace(/Operation not supported/g, 'Operation not permitted');
    const prefixed = src
      .split('\n')
      .filter((l) => l.length > 0)
      .map((l, i) => `[pod/orders-taskmanager-1-1/flink-main-container] 2025-03-11T09:16:${String(i % 60).padStart(2, '0')}.000000000Z ${l}`)
      .join('\r\n');
    writeFileSync(join(dir, 'tm.log'), prefixed + '\r\n');
    const { report } = await jsonReport([join(dir, 'tm.log')]);
    const f = finding(report);
    expect(f.checkpoints).toEqual([7, 8]);
    expect(f.tasks).toEqual(['KeyedProcess (1/2)']);
    expect(report.inputs[0].flinkVersion).toBe('2.0.0');
    expect(report.inputs[0].role).toBe('taskmanager');
    expect(f.evidence[0].text).not.toMatch(/\r$/);
    expect(f.evidence[0].text.startsWith('Caused by:')).toBe(true);
  });

  it('gzip is detected by content, not by name, and line numbers refer to the inflated text', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taskmanager.log.1'), gzipSync(readFileSync(TM)));
    const { report } = await jsonReport([dir]);
    expect(report.inputs[0].gzip).toBe(true);
    const f = finding(report);
    expect(f.evidence[0].line).toBe(19);
    expect(f.checkpoints).toEqual([7, 8]);
  });

  it('counts the same failure once across rotated copies and the JM stack', async () => {
    const dir = tempDir();
    copyFileSync(TM, join(dir, 'taskmanager.log'));
    copyFileSync(TM, join(dir, 'taskmanager.log.1'));
    copyFileSync(JM, join(dir, 'jobmanager.log'));
    const { report } = await jsonReport([dir]);
    const f = finding(report);
    expect(f.occurrences).toBe(2);
    expect(f.events).toBe(10);
  });
});

describe('near misses never give the hard-link diagnosis', () => {
  for (const name of readdirSync(SEED).filter((n) => n.startsWith('near-miss'))) {
    it(name, async () => {
      const { report } = await jsonReport([join(SEED, name)]);
      expect(report.findings.map((f: any) => f.id)).not.toContain(ID);
    });
  }

  it('Permission denied is a link failure with its own meaning', async () => {
    const { report } = await jsonReport([`${SEED}/near-miss-permission-denied.log`]);
    const f = finding(report, 'rocksdb-hardlink-failed');
    expect(f.summary).toContain('EACCES');
    expect(f.summary).toMatch(/may not write/);
  });
});
