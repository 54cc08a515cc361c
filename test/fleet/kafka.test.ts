// `flink-doctor watch` against a real Kafka broker (KRaft, from scripts/kafka-broker.mjs): two
// members of a group give together the findings one member gives; a member killed mid-stream
// loses no finding to the one that takes its partitions, and repeats at most one record per
// finding; a malformed record is a warning; a broker restart is ridden out; a blocked output stops
// the reading. Without a broker these tests say so on standard error and are skipped, and under
// CI=true or FLINK_DOCTOR_REQUIRE_KAFKA=1 (.ci/run sets it) they fail.

import { existsSync } from 'node:fs';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Admin } from 'kafkajs';
import { BUILTIN_PATTERN_DIR, loadPatterns } from '../../src/detect/pattern.js';
import { liveSetup } from '../../src/follow.js';
import { parseKafkaAddress, watchKafka } from '../../src/fleet/watch.js';
import { BROKER, caughtUp, createTopic, ensureBroker, fleetDataSet, kafka, parseLines, produce, readTopic, restartBroker, startMember, stopBroker, stopMember, summary, waitFor, type Member } from './broker.js';

const CI = process.env.CI === 'true' || process.env.CI === '1' || process.env.FLINK_DOCTOR_REQUIRE_KAFKA === '1';
const built = existsSync('dist/cli/bundle.js');
const broker = built ? ensureBroker() : { ok: false, started: false, reason: 'the CLI is not built (npm run build)' };
if (!broker.ok) {
  process.stderr.write(
    `\n${'!'.repeat(78)}\n!! Kafka fleet tests NOT RUN: no Kafka broker on ${BROKER}: ${broker.reason}\n!! Start one with: node scripts/kafka-broker.mjs start   (needs Java 17+ and Maven)\n${'!'.repeat(78)}\n\n`,
  );
}

const run = `${process.pid}-${Date.now()}`;

/** The lines of a heap OOM at second `n`, then a harmless line. */
const oom = (n: number): string[] => [`2024-03-11 10:00:${String(n).padStart(2, '0')},000 ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Fatal error occurred in TaskExecutor.`, 'java.lang.OutOfMemoryError: Java heap space', `2024-03-11 10:00:${String(n).padStart(2, '0')},500 INFO  org.example.Job [] - tick`];

/** A watching member in this process, reading `topic` from its start as `group`, writing findings to `stdout`. */
function watchInProcess(topic: string, group: string, stdout: Writable, signal: AbortSignal, commits: bigint[]): ReturnType<typeof watchKafka> {
  return watchKafka({
    address: parseKafkaAddress(`kafka://${BROKER}/${topic}`),
    setup: liveSetup(loadPatterns([BUILTIN_PATTERN_DIR])),
    group,
    stdout,
    fromBeginning: true,
    flushAfterMs: 200,
    idleMs: 600_000,
    maxGroups: 100,
    maxSignals: 10_000,
    sessionTimeoutMs: 6000,
    signal,
    env: {},
    onWarning: () => undefined,
    onCommit: (_p, o) => commits.push(o),
  });
}
const data = fleetDataSet(40);

describe('watch kafka:// (real broker)', () => {
  if (!broker.ok) {
    it(`needs a Kafka broker on ${BROKER}`, (ctx) => {
      if (CI) throw new Error(`no Kafka broker: ${broker.reason}`);
      ctx.skip();
    });
    return;
  }

  let admin: Admin;
  const members: Member[] = [];
  let reference: Map<string, number>;
  const refTopic = `logs-ref-${run}`;

  beforeAll(async () => {
    admin = kafka.admin();
    await admin.connect();
    // The reference: one member alone over the whole data set.
    await createTopic(admin, refTopic);
    await produce(refTopic, data);
    const m = startMember(refTopic, `ref-${run}`);
    members.push(m);
    await waitFor('the reference member to read the topic', () => caughtUp(admin, `ref-${run}`, refTopic), 90_000);
    expect(await stopMember(m)).toBe(0);
    reference = summary(parseLines(m.stdout()));
  }, 150_000);

  afterAll(async () => {
    for (const m of members) if (m.child.exitCode === null) m.child.kill('SIGKILL');
    await admin?.disconnect();
    if (broker.started) stopBroker();
  }, 90_000);

  it('the reference member finds a failure in most streams of the data set', () => {
    const groups = new Set([...reference.keys()].map((k) => k.split(' ')[0]));
    expect(data.length).toBeGreaterThanOrEqual(25);
    expect(groups.size).toBeGreaterThanOrEqual(data.length - 2);
    expect([...reference.keys()]).toContain('job-rocksdb-hardlink-unsupported rocksdb-hardlink-unsupported');
  });

  it('two members sharing the partitions give together the findings one member gives', async () => {
    const topic = `logs-pair-${run}`;
    const out = `findings-pair-${run}`;
    const group = `pair-${run}`;
    await createTopic(admin, topic);
    await createTopic(admin, out, 2);
    const a = startMember(topic, group, ['--output-topic', out]);
    const b = startMember(topic, group, ['--output-topic', out]);
    members.push(a, b);
    await waitFor('both members to hold partitions', () => (a.assigned()?.length ?? 0) > 0 && (b.assigned()?.length ?? 0) > 0, 60_000);
    expect([...a.assigned()!, ...b.assigned()!].sort()).toEqual([0, 1, 2, 3]);
    await produce(topic, data);
    await waitFor('the pair to read the topic', () => caughtUp(admin, group, topic), 90_000);
    expect(await stopMember(a)).toBe(0);
    expect(await stopMember(b)).toBe(0);
    const records = await readTopic(out);
    expect(summary(records)).toEqual(reference);
    // Each member wrote the findings of its own partitions; records are keyed by job id.
    for (const r of records) {
      expect(r.key).toBe(r.finding.jobs[0] ?? r.group);
    }
    // Both members read and wrote: the input partitions of the findings are spread over them.
    const parts = new Set(records.map((r) => r.partition));
    expect(a.assigned()!.some((p) => parts.has(p)) && b.assigned()!.some((p) => parts.has(p))).toBe(true);
  }, 180_000);

  it('a member killed mid-stream: its partitions are taken over and no finding is lost; each finding is announced at most twice', async () => {
    const topic = `logs-kill-${run}`;
    const out = `findings-kill-${run}`;
    const group = `kill-${run}`;
    await createTopic(admin, topic);
    await createTopic(admin, out, 2);
    // A long quiet time before unfinished records are handed on: the killed member dies holding some.
    const a = startMember(topic, group, ['--output-topic', out, '--flush-after', '4000']);
    const b = startMember(topic, group, ['--output-topic', out, '--flush-after', '4000']);
    members.push(a, b);
    await waitFor('both members to hold partitions', () => (a.assigned()?.length ?? 0) > 0 && (b.assigned()?.length ?? 0) > 0, 60_000);
    const taken = a.assigned()!;
    await produce(topic, data, [0, 0.6]);
    // Wait until the member to be killed has committed part of its partitions (it is mid-stream).
    await waitFor('the first member to commit', async () => {
      const [c] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return c!.partitions.some((p) => taken.includes(p.partition) && Number(p.offset) > 0);
    }, 60_000);
    a.child.kill('SIGKILL');
    const killedAt = Date.now();
    await a.exited;
    await produce(topic, data, [0.6, 1]);
    await waitFor('the other member to take the partitions over', () => b.assigned()?.length === 4, 60_000);
    const takeover = Date.now() - killedAt;
    await waitFor('the survivor to read the topic', () => caughtUp(admin, group, topic), 90_000);
    expect(await stopMember(b)).toBe(0);
    const records = await readTopic(out);
    const found = summary(records);
    // No finding is lost. The member that takes over starts from the last commit with fresh state,
    // so a stream cut there may also show a part on its own (a consequence whose cause the killed
    // member had read, a trace's tail): extra findings are allowed, missing ones are not.
    const lost = [...reference.keys()].filter((k) => !found.has(k));
    expect(lost).toEqual([]);
    const announced = new Map<string, number>();
    for (const r of records) if (r.type === 'finding') announced.set(`${r.group} ${r.finding.id}`, (announced.get(`${r.group} ${r.finding.id}`) ?? 0) + 1);
    // The bound: one announcement, plus at most one per rebalance that moved the finding's partition.
    expect(Math.max(...announced.values())).toBeLessThanOrEqual(2);
    process.stderr.write(`kafka: partitions of a member killed with SIGKILL taken over after ${takeover} ms (session timeout 6000 ms)\n`);
  }, 240_000);

  it('a malformed record is a warning and the stream goes on', async () => {
    const topic = `logs-bad-${run}`;
    const group = `bad-${run}`;
    await createTopic(admin, topic, 1);
    const producer = kafka.producer();
    await producer.connect();
    const oom = ['2024-03-11 10:00:00,000 ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Fatal error occurred in TaskExecutor.', 'java.lang.OutOfMemoryError: Java heap space'];
    await producer.send({
      topic,
      messages: [
        { key: 'job-x', value: null },
        { key: 'job-x', value: Buffer.from([0xde, 0xad, 0x00, 0x01]) },
        { key: 'job-x', value: '{"message": "unterminated' },
        ...oom.map((value) => ({ key: 'job-x', value })),
        { key: 'job-x', value: '2024-03-11 10:00:01,000 INFO  org.example.Job [] - tick' },
      ],
    });
    await producer.disconnect();
    const m = startMember(topic, group);
    members.push(m);
    await waitFor('the member to read the topic', () => caughtUp(admin, group, topic), 60_000);
    expect(await stopMember(m)).toBe(0);
    expect(m.stderr()).toMatch(/warning: logs-bad-[\w-]+\/0@0 \(job-x\): record has no value/);
    expect(m.stderr()).toMatch(/@1 \(job-x\): record is not text/);
    expect(m.stderr()).toMatch(/@2 \(job-x\): record starts like JSON but is not valid JSON/);
    expect(m.stderr()).not.toMatch(/internal error|at .*\.js:\d+/);
    expect(parseLines(m.stdout()).map((r) => r.finding.id)).toEqual(['heap-oom']);
  }, 120_000);

  it('rides out a broker restart', async () => {
    const topic = `logs-restart-${run}`;
    const group = `restart-${run}`;
    await createTopic(admin, topic);
    const m = startMember(topic, group);
    members.push(m);
    await waitFor('the member to hold partitions', () => (m.assigned()?.length ?? 0) === 4, 60_000);
    const half = Math.floor(data.length / 2);
    const first = data.slice(0, half);
    const second = data.slice(half);
    await produce(topic, first);
    await waitFor('the member to read the first half', () => caughtUp(admin, group, topic), 60_000);
    await admin.disconnect();
    const t0 = Date.now();
    restartBroker(true);
    const back = Date.now() - t0;
    admin = kafka.admin();
    await admin.connect();
    await produce(topic, second);
    await waitFor('the member to read the second half after the restart', () => caughtUp(admin, group, topic), 120_000);
    const recovered = Date.now() - t0;
    expect(await stopMember(m)).toBe(0);
    const found = summary(parseLines(m.stdout()));
    const expected = new Map([...reference.entries()].filter(([k]) => data.some((d) => k.startsWith(`${d.key} `))));
    expect([...found.keys()]).toEqual([...expected.keys()]);
    process.stderr.write(`kafka: broker killed with SIGKILL and serving again after ${back} ms; the member read the records produced then ${recovered - back} ms later\n`);
  }, 240_000);

  it('stops reading while its output is blocked, and goes on when it drains', async () => {
    const topic = `logs-pressure-${run}`;
    const group = `pressure-${run}`;
    await createTopic(admin, topic, 1);
    let release: (() => void) | null = null;
    let written = 0;
    // An output that takes one write and then blocks until released.
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk, _enc, cb) {
        written++;
        if (written === 1) release = cb;
        else cb();
      },
    });
    const controller = new AbortController();
    const commits: bigint[] = [];
    const watching = watchInProcess(topic, group, slow, controller.signal, commits);
    try {
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic, messages: oom(1).map((value) => ({ key: 'job-1', value })) });
      await waitFor('the first finding to be written', () => written === 1, 60_000);
      // The output is blocked: more records arrive, but nothing past the first finding is committed.
      for (let k = 2; k <= 5; k++) await producer.send({ topic, messages: oom(k).map((value) => ({ key: `job-${k}`, value })) });
      await producer.disconnect();
      await new Promise((r) => setTimeout(r, 2500));
      expect(written).toBe(1);
      const [blocked] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      expect(Number(blocked!.partitions[0]!.offset)).toBeLessThanOrEqual(3);
      release!();
      await waitFor('the member to read on', () => caughtUp(admin, group, topic), 60_000);
      expect(written).toBeGreaterThanOrEqual(2);
    } finally {
      controller.abort();
      await watching;
    }
    expect(commits[commits.length - 1]).toBe(15n);
  }, 120_000);

  it('stops with an error, committing nothing more, when its findings cannot be written', async () => {
    const topic = `logs-fail-${run}`;
    const group = `fail-${run}`;
    await createTopic(admin, topic, 1);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, messages: oom(0).map((value) => ({ key: 'job-1', value })) });
    await producer.disconnect();
    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('no space left on device'));
      },
    });
    const commits: bigint[] = [];
    const watching = watchInProcess(topic, group, broken, new AbortController().signal, commits);
    await expect(watching).rejects.toThrow(/findings could not be written \(no space left on device\); stopped without committing/);
    expect(commits).toEqual([]);
    const [c] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(Number(c!.partitions[0]!.offset)).toBe(-1);
  }, 120_000);
});
