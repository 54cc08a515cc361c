// --redact: no host, IP, pod, node, user, bucket, account, e-mail or secret from the input survives
// in any output format; Flink identities and configuration keys do; the same value gets the same
// pseudonym everywhere; --redact-map writes the mapping (without secrets).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnosis } from '../../src/model.js';
import { Redactor } from '../../src/redact/redactor.js';
import { REPORTERS, FORMATS } from '../../src/report/index.js';
import { cli, tempDir } from '../helpers.js';
import { ALL_SENSITIVE, JOB, SAMPLE_JOB, SENSITIVE, secretsDir } from './fixtures.js';

function leaks(output: string, values: string[]): string[] {
  return values.filter((v) => output.includes(v));
}

describe('--redact end to end', () => {
  const dir = secretsDir();

  it('the unredacted report does contain the sensitive values (so the test below means something)', async () => {
    const plain = await cli(['-f', 'json', '--fail-on', 'none', dir]);
    const missing = ALL_SENSITIVE.filter((v) => !plain.stdout.includes(v) && v !== SENSITIVE.secrets[4] && v !== 'acmeprodstore');
    expect(missing).toEqual([]);
  });

  for (const format of FORMATS) {
    it(`leaves no sensitive value in --format ${format}, keeps Flink identities`, async () => {
      const r = await cli(['-f', format, '--redact', '--fail-on', 'none', dir]);
      expect(r.code).toBe(0);
      expect(leaks(r.stdout, ALL_SENSITIVE)).toEqual([]);
      expect(leaks(r.stderr, ALL_SENSITIVE)).toEqual([]);
      for (const keep of [JOB, SAMPLE_JOB, 'KeyedProcess', 'state.checkpoints.dir', 'state.backend.rocksdb.localdir', 'checkpoint 7', '/mnt/checkpoints/job']) expect(r.stdout).toContain(keep);
      expect(r.stdout).toMatch(/host-\d/);
      expect(r.stdout).toMatch(/ip-\d/);
    });
  }

  it('uses the same pseudonym for the same value in every format and field', async () => {
    const json = JSON.parse((await cli(['-f', 'json', '--redact', '--fail-on', 'none', dir])).stdout);
    const text = (await cli(['-f', 'text', '--redact', '--fail-on', 'none', dir])).stdout;
    const tm = json.inputs.find((i: any) => i.role === 'taskmanager');
    expect(tm.hosts).toEqual([expect.stringMatching(/^ip-\d+$/), expect.stringMatching(/^host-\d+$/)]);
    const ip = tm.hosts[0];
    // the TaskManager's IP in the finding's hosts is the same pseudonym as in the inputs
    expect(json.findings.flatMap((f: any) => f.hosts)).toContain(ip);
    expect(text).toContain(`[${ip}, ${tm.hosts[1]}]`);
    // the job name with a host, a bucket and an e-mail is redacted identically in every transition
    const names = new Set(json.jobTransitions.filter((t: any) => t.job === JOB).map((t: any) => t.name));
    expect(names.size).toBe(1);
    expect([...names][0]).toMatch(/^ingest host-\d+:9092 to s3:\/\/bucket-\d+ by email-\d+$/);
    // the pod name of the file name and the pod name in the TaskManager's resource id agree
    const tmSource: string = tm.source;
    expect(tmSource).toMatch(/flink-kubernetes-taskmanager-0-host-\d+\.log$/);
  });

  it('--redact-map writes the mapping (originals of hosts, never secrets) and implies --redact', async () => {
    const map = join(tempDir(), 'map.txt');
    const r = await cli(['-f', 'markdown', '--redact-map', map, '--fail-on', 'none', dir]);
    expect(leaks(r.stdout, ALL_SENSITIVE)).toEqual([]);
    const text = readFileSync(map, 'utf8');
    for (const v of [...SENSITIVE.pods.slice(0, 2), '10.42.1.17', 'jdoe', 'acme-raw-events']) expect(text).toContain(v);
    expect(leaks(text, SENSITIVE.secrets)).toEqual([]);
    const line = text.split('\n').find((l) => l.endsWith('\t10.42.1.17'))!;
    expect(r.stdout).toContain(line.split('\t')[0]!);
  });

  it('timeline --redact redacts too', async () => {
    const r = await cli(['timeline', '--redact', dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('checkpoint 2 failed');
    expect(leaks(r.stdout, ALL_SENSITIVE)).toEqual([]);
  });
});

/** A diagnosis with a sensitive value in every field a reporter prints. */
function syntheticDiagnosis(): Diagnosis {
  const ev = (text: string, line = 1) => ({ source: '/home/jdoe/logs/flink-jdoe-taskexecutor-0-worker-7.acme.local.log', line, role: 'taskmanager' as const, text, time: '2024-05-02T10:00:00.000' });
  const finding = {
    id: 'checkpoint-storage-permission',
    title: 'Checkpoint storage is not writable',
    severity: 'error' as const,
    summary: 'Denied at wasbs://ckpts@acmeprodstore.blob.core.windows.net/flink for jane.doe@acme.io on worker-7.acme.local',
    occurrences: 1,
    events: 1,
    firstSeen: '2024-05-02T10:00:00.000',
    lastSeen: '2024-05-02T10:00:00.000',
    checkpoints: [7],
    jobs: [JOB],
    tasks: ['Sink: s3://acme-sink-bucket/out (1/2)', 'Source: Kafka[broker-3.kafka.svc.cluster.local:9092] (2/2)'],
    hosts: ['worker-7.acme.local', '192.168.77.5', 'fe80::1ff:fe23:4567:890a'],
    impact: ['Hosts: worker-7.acme.local, 192.168.77.5.'],
    evidence: [
      ev('Caused by: java.sql.SQLException: jdbc:mysql://mysql.acme.local:3306/db?user=svc_orders&password=S3cr3tPassw0rd!'),
      ev('Loading configuration property: fs.azure.account.key.acmeprodstore.blob.core.windows.net, Q0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU2Nzg5Kys9', 2),
      ev('s3.secret-key: wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY and s3.access-key: AKIAIOSFODNN7EXAMPLE', 3),
      ev('TaskManager with id worker-7.acme.local:40213-8f0a1b lost; pod orders-taskmanager-2-4 on node ip-10-0-1-23.ec2.internal, owner /Users/mmuster/x and C:\\Users\\mmuster\\y', 4),
      ev('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXZhbHVlLXh5eg', 5),
      ev('https://acmeprodstore.blob.core.windows.net/ckpts?sv=2022-11-02&sig=AbCdEfGh1234567890%2BxyzSIG&se=2030', 6),
    ],
    config: [
      { key: 'fs.azure.account.key.acmeprodstore.blob.core.windows.net', value: 'Q0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU2Nzg5Kys9', source: 'conf/flink-conf.yaml', line: 3 },
      { key: 'jobmanager.rpc.address', value: 'jm-0.flink.acme.local', source: 'conf/flink-conf.yaml', line: 1 },
      { key: 'state.checkpoints.dir', value: 's3://acme-ckpt-bucket/flink', source: 'conf/flink-conf.yaml', line: 2 },
      { key: 'security.ssl.rest.keystore-password', value: 'changeit-Pw9', source: 'conf/flink-conf.yaml', line: 4 },
    ],
    cause: 'The account acmeprodstore refused the write from 192.168.77.5.',
    remediation: 'Grant access to bucket acme-ckpt-bucket.',
    verify: 'ssh worker-7.acme.local and run az storage blob list as svc_orders.',
    references: ['https://nightlies.apache.org/flink/flink-docs-stable/docs/ops/state/checkpoints/'],
    consequences: [{ id: 'job-restart', title: 'The job restarted', count: 1, evidence: [ev('Job x switched from RUNNING to RESTARTING on orders-taskmanager-2-4 @ 192.168.77.5 (dataPort=6121).', 9)] }],
    unchecked: ['No JobManager log from jm-0.flink.acme.local was given.'],
  };
  return {
    findings: [finding],
    unknown: [],
    muted: [{ ...finding, id: 'kafka-timeout', severity: 'warning', summary: 'Timeout talking to broker-3.kafka.svc.cluster.local' }],
    inputs: [
      { name: '/home/jdoe/logs/flink-jdoe-taskexecutor-0-worker-7.acme.local.log', role: 'taskmanager', roleReason: 'banner "Starting TaskManagerRunner"', flinkVersion: '1.18.1', entrypoint: 'TaskManager', hosts: ['worker-7.acme.local'], resourceIds: ['worker-7.acme.local:40213-8f0a1b'], bytes: 100, lines: 10, gzip: false, kind: 'log' },
    ],
    config: [{ key: 'fs.azure.account.key.acmeprodstore.blob.core.windows.net', value: 'Q0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU2Nzg5Kys9', source: 'conf/flink-conf.yaml', line: 3 }],
    warnings: [{ source: '/home/jdoe/logs/broken-on-192.168.77.5.log.gz', message: 'gzip data is damaged' }],
    checkpoints: [
      { job: JOB, id: 6, state: 'completed', triggeredAt: '2024-05-02T09:59:00.000', endedAt: '2024-05-02T09:59:01.000', durationMs: 1000, bytes: 2048, reason: null, source: 'jm.log', line: 1 },
      { job: JOB, id: 7, state: 'failed', triggeredAt: '2024-05-02T10:00:00.000', endedAt: '2024-05-02T10:00:01.000', durationMs: 1000, bytes: null, reason: 'AccessDeniedException: s3a://acme-ckpt-bucket/flink/chk-7 from 192.168.77.5', source: 'jm.log', line: 2 },
    ],
    checkpointRuns: [{ job: JOB, firstId: 1, lastId: 5, count: 5, firstAt: '2024-05-02T09:54:00.000', lastAt: '2024-05-02T09:58:01.000', minDurationMs: 900, maxDurationMs: 1100, minBytes: 1024, maxBytes: 4096, source: '/home/jdoe/logs/jm-0.flink.acme.local.log', line: 1 }],
    jobTransitions: [{ job: JOB, name: 'orders to jm-0.flink.acme.local', from: 'RUNNING', to: 'RESTARTING', time: '2024-05-02T10:00:02.000', timeMs: Date.parse('2024-05-02T10:00:02.000Z'), source: 'jm.log', line: 3, cause: 'password=hunter22 for mmuster@acme.io' }],
    stats: { bytes: 100, lines: 10, events: 5, seconds: 0.1, threads: 1 },
    interrupted: false,
  };
}

const SYNTHETIC_SENSITIVE = [
  'acmeprodstore', 'ckpts', 'jane.doe@acme.io', 'worker-7.acme.local', 'worker-7', 'acme-sink-bucket', 'broker-3.kafka.svc.cluster.local', '192.168.77.5', 'fe80::1ff:fe23:4567:890a',
  'mysql.acme.local', 'svc_orders', 'S3cr3tPassw0rd!', 'Q0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowMTIzNDU2Nzg5Kys9', 'wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY',
  'AKIAIOSFODNN7EXAMPLE', 'orders-taskmanager-2-4', 'ip-10-0-1-23.ec2.internal', 'mmuster', 'jdoe', 'eyJhbGciOiJIUzI1NiJ9', 'AbCdEfGh1234567890', 'jm-0.flink.acme.local', 'acme-ckpt-bucket', 'changeit-Pw9', 'hunter22', 'acme.local', 'acme.io',
];

describe('Redactor on a diagnosis', () => {
  it('redacts every field of every format, keeps ids, config keys and public references', () => {
    const d = syntheticDiagnosis();
    const before = JSON.stringify(d);
    const r = new Redactor();
    const red = r.redactDiagnosis(d);
    expect(JSON.stringify(d)).toBe(before); // the input is not modified
    for (const format of FORMATS) {
      const out = REPORTERS[format](red, { color: false });
      expect(leaks(out, SYNTHETIC_SENSITIVE), format).toEqual([]);
      for (const keep of [JOB, 'fs.azure.account.key.account-1.blob.core.windows.net', 'jobmanager.rpc.address', 'security.ssl.rest.keystore-password', 'https://nightlies.apache.org/flink/flink-docs-stable/docs/ops/state/checkpoints/']) {
        expect(out, `${format} keeps ${keep}`).toContain(format === 'html' ? keep.replace(/&/g, '&amp;') : keep);
      }
    }
  });

  it('is consistent: one value, one pseudonym, across fields', () => {
    const red = new Redactor().redactDiagnosis(syntheticDiagnosis());
    const f = red.findings[0]!;
    const host = red.inputs[0]!.hosts[0]!;
    expect(host).toMatch(/^host-\d+$/);
    expect(f.hosts[0]).toBe(host);
    expect(red.inputs[0]!.name).toBe(`/home/user-1/logs/flink-user-1-taskexecutor-0-${host}.log`);
    expect(red.inputs[0]!.resourceIds[0]).toBe(`${host}:40213-8f0a1b`);
    expect(f.summary).toContain(`on ${host}`);
    expect(f.verify).toContain(`ssh ${host}`);
    const ip = f.hosts[1]!;
    expect(ip).toMatch(/^ip-\d+$/);
    expect(f.cause).toContain(`from ${ip}`);
    expect(red.checkpoints[1]!.reason).toContain(ip);
    expect(f.tasks).toEqual([expect.stringMatching(/^Sink: s3:\/\/bucket-\d+\/out \(1\/2\)$/), expect.stringMatching(/^Source: Kafka\[host-\d+:9092\] \(2\/2\)$/)]);
    expect(red.findings[0]!.config.find((c) => c.key === 'state.checkpoints.dir')!.value).toMatch(/^s3:\/\/bucket-\d+\/flink$/);
    expect(f.remediation).toContain(red.findings[0]!.config.find((c) => c.key === 'state.checkpoints.dir')!.value.slice(5, -6));
  });

  it('leaves ordinary log text, Java names, times and Flink ids alone', () => {
    const r = new Redactor();
    const lines = [
      '2024-03-11 09:16:10,860 WARN  org.apache.flink.runtime.checkpoint.CheckpointFailureManager [] - Failed to trigger or complete checkpoint 7 for job 4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a. (0 consecutive failed attempts so far)',
      'at org.apache.flink.streaming.api.operators.StreamOperatorStateHandler.snapshotState(StreamOperatorStateHandler.java:269) ~[flink-dist-1.17.2.jar:1.17.2]',
      'Caused by: java.net.ConnectException: Connection refused',
      'KeyedProcess (1/2)#0 (9f2c4e6a8b0d1f3e5a7c9b1d3f5e7a9c_0a8b2c4d6e8f0a1b3c5d7e9f1a2b4c6d_0_0) switched from RUNNING to FAILED.',
      'state.backend.rocksdb.localdir: /mnt/checkpoints/job',
      'Completed checkpoint 1 for job 4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a (20811 bytes, checkpointDuration=555 ms, finalizationTime=4 ms).',
      's3.secret-key: ****** and password: ******',
      'connected to localhost:6123 and 127.0.0.1',
    ];
    for (const l of lines) expect(r.text(l)).toBe(l);
    expect(r.mapping()).toEqual([]);
  });
});
