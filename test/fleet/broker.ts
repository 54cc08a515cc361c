// The real Kafka broker of the fleet tests and the benchmark: started from scripts/kafka-broker.mjs
// when it is not running (and then stopped again), members run as child processes of the built
// CLI, and helpers to produce a data set, wait for a group's commits and read an output topic.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';

export const PORT = Number(process.env.FLINK_DOCTOR_KAFKA_PORT ?? 19092);
export const BROKER = `127.0.0.1:${PORT}`;
const SCRIPT = 'scripts/kafka-broker.mjs';

export const kafka = new Kafka({ clientId: 'flink-doctor-test', brokers: [BROKER], logLevel: logLevel.NOTHING, retry: { initialRetryTime: 100, maxRetryTime: 1000, retries: 60 } });

function script(args: string[], timeoutMs: number): { ok: boolean; output: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`.trim() || (r.error?.message ?? `exit ${r.status}`) };
}

/** Makes sure a broker runs; `started` tells whether this call started it (and so must stop it). */
export function ensureBroker(): { ok: boolean; started: boolean; reason: string } {
  if (script(['status'], 10_000).ok) return { ok: true, started: false, reason: '' };
  const r = script(['start'], 240_000);
  const lines = r.output.split('\n');
  const own = lines.filter((l) => l.startsWith('kafka-broker:'));
  return { ok: r.ok, started: r.ok, reason: (own.length > 0 ? own : lines).slice(-3).join(' | ') };
}

export function stopBroker(): void {
  script(['stop'], 60_000);
}

/** Stops the broker (SIGKILL with `kill`) and starts it again on the same data. */
export function restartBroker(kill: boolean): void {
  const r = script(['restart', ...(kill ? ['--kill'] : [])], 120_000);
  if (!r.ok) throw new Error(`broker restart failed: ${r.output}`);
}

/** A data set: positive sample logs of several patterns, each one log stream with its own key. */
export function fleetDataSet(max = 12): { key: string; pod: string; lines: string[] }[] {
  const out: { key: string; pod: string; lines: string[] }[] = [];
  // The seed failure's area first: the data set always holds it, however many patterns there are.
  for (const area of readdirSync('samples').sort((a, b) => Number(b === 'rocksdb') - Number(a === 'rocksdb') || a.localeCompare(b))) {
    for (const id of readdirSync(join('samples', area)).sort()) {
      const dir = join('samples', area, id);
      if (!statSync(dir).isDirectory()) continue;
      const file = readdirSync(dir).find((f) => f.startsWith('positive') && f.endsWith('.log') && !/one-line|flattened|wrapped/.test(f));
      if (!file) continue;
      out.push({ key: `job-${id}`, pod: file.replace(/\.log$/, ''), lines: readFileSync(join(dir, file), 'utf8').split('\n').filter((l) => l !== '') });
      if (out.length >= max) return out;
    }
  }
  return out;
}

/** Creates a topic (4 partitions by default). */
export async function createTopic(admin: Admin, topic: string, partitions = 4): Promise<void> {
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: false });
  // Every partition with a leader before the topic is used. The client's own wait (waitForLeaders)
  // gives up on the first "does not host this topic-partition" a busy broker answers for a topic
  // it is still creating; this one asks again until the deadline.
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const parts = meta.topics[0]?.partitions ?? [];
      if (parts.length === partitions && parts.every((p) => p.leader >= 0)) return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
    }
    if (Date.now() > deadline) throw new Error(`topic ${topic}: its ${partitions} partitions have no leader after 60 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Produces the data set's streams, interleaved line by line; `part` picks a share of each stream's lines. */
export async function produce(topic: string, data: { key: string; pod: string; lines: string[] }[], part: [number, number] = [0, 1]): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const messages: { key: string; value: string; headers: Record<string, string> }[] = [];
  const longest = Math.max(...data.map((d) => d.lines.length));
  for (let i = 0; i < longest; i++) {
    for (const d of data) {
      const from = Math.floor(d.lines.length * part[0]);
      const to = Math.floor(d.lines.length * part[1]);
      const j = from + i;
      if (j < to) messages.push({ key: d.key, value: d.lines[j]!, headers: { pod: d.pod } });
    }
  }
  for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  await producer.disconnect();
  return messages.length;
}

/** True once the group's committed offsets reach the end of every partition of the topic. */
export async function caughtUp(admin: Admin, group: string, topic: string): Promise<boolean> {
  const ends = await admin.fetchTopicOffsets(topic);
  const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  const by = new Map(committed!.partitions.map((p) => [p.partition, BigInt(p.offset)]));
  return ends.every((e) => BigInt(e.high) === 0n || (by.get(e.partition) ?? -1n) >= BigInt(e.high));
}

/** Polls `check` until it holds; an error it throws (a broker still starting) counts as not yet. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const t0 = Date.now();
  let last: unknown = null;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) {
      last = e;
    }
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A `flink-doctor watch` process. */
export interface Member {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  assigned: () => number[] | null;
  exited: Promise<number | null>;
}

export function startMember(topic: string, group: string, extra: string[] = []): Member {
  const child = spawn(process.execPath, ['bin/flink-doctor.js', 'watch', `kafka://${BROKER}/${topic}`, '--group', group, '--from-beginning', '--session-timeout', '6000', '--flush-after', '300', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    assigned: () => {
      const all = [...err.matchAll(/partitions ([\d,]+|\(none\)) assigned/g)];
      const last = all[all.length - 1];
      return last ? (last[1] === '(none)' ? [] : last[1]!.split(',').map(Number)) : null;
    },
    exited,
  };
}

/** Stops a member with SIGTERM (it hands on what it holds and leaves the group) and waits for it. */
export async function stopMember(m: Member): Promise<number | null> {
  if (m.child.exitCode === null) m.child.kill('SIGTERM');
  return m.exited;
}

/** The finding records of JSON lines or of an output topic's values. */
export interface FindingOut {
  type: 'finding' | 'update';
  group: string;
  partition: number;
  finding: { id: string; occurrences: number; jobs: string[] };
  key?: string;
}

export function parseLines(text: string): FindingOut[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as FindingOut);
}

/** Reads a whole topic from the start (until it has read `atLeast` records or `ms` passed). */
export async function readTopic(topic: string, ms = 10_000): Promise<FindingOut[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  const total = ends.reduce((n, e) => n + Number(e.high) - Number(e.low), 0);
  const consumer = kafka.consumer({ groupId: `reader-${topic}-${Date.now()}` });
  const out: FindingOut[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      out.push({ ...(JSON.parse(message.value!.toString()) as FindingOut), key: message.key?.toString() });
    },
  });
  const t0 = Date.now();
  while (out.length < total && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 100));
  await consumer.disconnect();
  return out;
}

/** Per (group, finding id): the most occurrences seen. */
export function summary(records: FindingOut[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of records) {
    const k = `${r.group} ${r.finding.id}`;
    m.set(k, Math.max(m.get(k) ?? 0, r.finding.occurrences));
  }
  return new Map([...m.entries()].sort());
}
