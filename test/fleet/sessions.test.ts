// The member's state without a broker: records of each key through one live detection, the
// offsets it may commit held back while a record may still grow, groups bounded and evicted.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BUILTIN_PATTERN_DIR, loadPatterns } from '../../src/detect/pattern.js';
import { liveSetup } from '../../src/follow.js';
import { FleetState, type FleetOptions } from '../../src/fleet/sessions.js';
import type { LogRecordIn } from '../../src/fleet/record.js';

const TM = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', 'utf8');
const setup = liveSetup(loadPatterns([BUILTIN_PATTERN_DIR]));

function state(over: Partial<FleetOptions> = {}): { s: FleetState; warnings: string[]; clock: { t: number } } {
  const warnings: string[] = [];
  const clock = { t: 1_000_000 };
  const s = new FleetState({ setup, topic: 'logs', flushAfterMs: 1000, idleMs: 60_000, maxGroups: 100, maxSignals: 10_000, onWarning: (src, m) => warnings.push(`${src}: ${m}`), now: () => clock.t, ...over });
  return { s, warnings, clock };
}

let offset = 0;
function records(text: string, key: string | null, partition = 0, headers: LogRecordIn['headers'] = {}): LogRecordIn[] {
  return text
    .split('\n')
    .filter((l, i, all) => i < all.length - 1 || l !== '')
    .map((l) => ({ partition, offset: String(offset++), key: key === null ? null : Buffer.from(key), value: Buffer.from(l), headers }));
}

describe('FleetState', () => {
  it('finds what a scan of the same lines finds, and commits only past records whose findings were handed on', async () => {
    const { s, warnings } = state();
    const recs = records(TM, 'orders');
    const cut = recs.findIndex((r) => r.value!.toString().startsWith('Caused by: org.rocksdb'));
    await s.take(recs.slice(0, cut + 1));
    await s.settle();
    // The failure's record is unfinished: its header's offset is the most that may be committed.
    const header = recs.slice(0, cut).map((r, i) => [r, i] as const).filter(([r]) => /^\d{4}-/.test(r.value!.toString())).pop()![1];
    expect(s.committable(0)).toBe(BigInt(recs[header]!.offset));
    expect(s.drain().map((f) => f.findingId)).not.toContain('rocksdb-hardlink-unsupported');
    await s.take(recs.slice(cut + 1));
    await s.settle();
    const out = s.drain();
    const hardlink = out.find((f) => f.findingId === 'rocksdb-hardlink-unsupported')!;
    expect(hardlink.isNew).toBe(true);
    const value = JSON.parse(hardlink.value);
    expect(value).toMatchObject({ type: 'finding', group: 'orders', partition: 0, sources: ['orders'] });
    expect(hardlink.key).toBe(value.finding.jobs[0] ?? 'orders');
    expect(warnings).toEqual([]);
  });

  it('hands on an unfinished record after flushAfterMs of quiet, then commits past it', async () => {
    const { s, clock } = state();
    const oom = records('2024-03-11 10:00:00,000 ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Fatal error occurred in TaskExecutor.\njava.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)', 'tm-1');
    await s.take(oom);
    await s.settle();
    expect(s.drain()).toEqual([]);
    expect(s.committable(0)).toBe(BigInt(oom[0]!.offset));
    clock.t += 1000;
    await s.settle();
    expect(s.drain().map((f) => [f.findingId, f.isNew])).toEqual([['heap-oom', true]]);
    expect(s.committable(0)).toBe(BigInt(oom[2]!.offset) + 1n);
    // The source goes on after the flush, its line numbers continuing; more occurrences: an update.
    await s.take(records('2024-03-11 10:01:00,000 ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Fatal error occurred in TaskExecutor.\njava.lang.OutOfMemoryError: Java heap space. A heap space-related out-of-memory error has occurred.\n2024-03-11 10:01:01,000 INFO  org.example.Job [] - tick', 'tm-1'));
    await s.settle();
    const [update] = s.drain();
    expect(update).toMatchObject({ findingId: 'heap-oom', isNew: false });
    expect(JSON.parse(update!.value).finding.evidence.map((e: { line: number }) => e.line)).toEqual([2, 5]);
  });

  it('names sources from headers and keeps keys apart; a malformed record is a warning and the stream goes on', async () => {
    const { s, warnings } = state();
    const line = '2024-03-11 10:00:00,000 ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Fatal error occurred in TaskExecutor.';
    const recs: LogRecordIn[] = [
      { partition: 1, offset: '10', key: Buffer.from('job-a'), value: Buffer.from('{"broken": '), headers: { pod: 'tm-1', container: 'flink' } },
      { partition: 1, offset: '11', key: Buffer.from('job-a'), value: Buffer.from([0, 1, 2, 3]) },
      { partition: 1, offset: '12', key: Buffer.from('job-a'), value: null },
      { partition: 1, offset: '13', key: Buffer.from('job-a'), value: Buffer.from(JSON.stringify({ '@timestamp': '2024-03-11T10:00:01.000Z', 'log.level': 'ERROR', message: 'Fatal error occurred in TaskExecutor.', 'error.stack_trace': 'java.lang.OutOfMemoryError: Java heap space\n\tat x.y(Z.java:1)' })), headers: { source: 'tm-2' } },
      { partition: 1, offset: '14', key: Buffer.from('job-b'), value: Buffer.from(`${line}\njava.lang.OutOfMemoryError: Java heap space\n`) },
      { partition: 1, offset: '15', key: Buffer.from('job-b'), value: Buffer.from(JSON.stringify({ level: 'INFO', note: 'no message' })) },
      // A container runtime's JSON line, enriched by a log shipper with the pod it came from.
      { partition: 1, offset: '16', key: Buffer.from('job-b'), value: Buffer.from(JSON.stringify({ log: `${line}\n`, stream: 'stderr', time: '2024-03-11T10:00:02.000Z', kubernetes: { pod_name: 'tm-7', container_name: 'flink-main-container' } })) },
      { partition: 1, offset: '17', key: Buffer.from('job-b'), value: Buffer.from(JSON.stringify({ log: 'java.lang.OutOfMemoryError: Metaspace\n', stream: 'stderr', time: '2024-03-11T10:00:02.001Z', kubernetes: { pod_name: 'tm-7', container_name: 'flink-main-container' } })) },
    ];
    await s.take(recs);
    await s.settle(true);
    expect(warnings).toEqual([
      'logs/1@10 (tm-1/flink): record starts like JSON but is not valid JSON; read as plain text',
      'logs/1@11 (job-a): record is not text (it holds control bytes); skipped',
      'logs/1@12 (job-a): record has no value (a tombstone); skipped',
      'logs/1@15 (job-b): JSON record without a log message (no message/msg/log field with a level or time); skipped',
    ]);
    const out = s.drain().map((f) => ({ group: f.group, id: f.findingId, sources: JSON.parse(f.value).sources }));
    expect(out).toEqual(
      expect.arrayContaining([
        { group: 'job-a', id: 'heap-oom', sources: ['tm-1/flink', 'tm-2'] },
        { group: 'job-b', id: 'heap-oom', sources: ['job-b', 'tm-7/flink-main-container'] },
        { group: 'job-b', id: 'metaspace-oom', sources: ['job-b', 'tm-7/flink-main-container'] },
      ]),
    );
    expect(s.committable(1)).toBe(18n);
    expect(s.size).toBe(0);
  });

  it('keeps at most maxGroups groups and drops idle ones, reporting them first', async () => {
    const { s, clock } = state({ maxGroups: 2, idleMs: 5000 });
    const oom = (key: string): LogRecordIn[] => records('2024-03-11 10:00:00,000 ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Fatal error occurred in TaskExecutor.\njava.lang.OutOfMemoryError: Java heap space\n2024-03-11 10:00:01,000 INFO  org.example.Job [] - tick', key);
    await s.take([...oom('a'), ...oom('b'), ...oom('c')]);
    expect(s.size).toBe(2);
    expect(s.stats.evicted).toBe(1);
    await s.settle();
    expect(s.drain().map((f) => f.group).sort()).toEqual(['a', 'b', 'c']);
    clock.t += 5000;
    await s.settle();
    expect(s.size).toBe(0);
    expect(s.committable(0)).toBe(BigInt(offset));
  });
});

describe('watch address', () => {
  it('reads kafka:// and kafkas:// addresses and refuses others with a message', async () => {
    const { parseKafkaAddress } = await import('../../src/fleet/watch.js');
    expect(parseKafkaAddress('kafka://k0:9092,k1:9093/flink-logs')).toEqual({ brokers: ['k0:9092', 'k1:9093'], topic: 'flink-logs', ssl: false, sasl: null });
    expect(parseKafkaAddress('kafkas://k0:9093/logs?sasl=scram-sha-512')).toMatchObject({ ssl: true, sasl: 'scram-sha-512' });
    expect(() => parseKafkaAddress('http://k0:9092/logs')).toThrow(/not a Kafka address; use kafka:\/\/host:port/);
    expect(() => parseKafkaAddress('kafka://k0/logs')).toThrow(/'k0' .* is not host:port/);
    expect(() => parseKafkaAddress('kafka://k0:9092/logs?sasl=gssapi')).toThrow(/use plain, scram-sha-256 or scram-sha-512/);
  });

  it('is a one-line usage error on the command line', async () => {
    const { cli } = await import('../helpers.js');
    const r = await cli(['watch', 'kafka://broker/logs']);
    expect(r).toMatchObject({ code: 2, stderr: "flink-doctor: 'broker' in kafka://broker/logs is not host:port\n" });
    const s = await cli(['watch', 'kafka://broker:9092/logs?sasl=plain'], { env: {} });
    expect(s.code).toBe(2);
    expect(s.stderr).toMatch(/sasl=plain needs FLINK_DOCTOR_KAFKA_USERNAME and FLINK_DOCTOR_KAFKA_PASSWORD/);
    const t = await cli(['watch', 'kafka://broker:9092/logs', '--flush-after', 'soon']);
    expect(t).toMatchObject({ code: 2, stderr: "flink-doctor: --flush-after: 'soon' is not a whole number of at least 1\n" });
  });
});
