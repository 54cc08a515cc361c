// Kafka benchmark: records per second through one `flink-doctor watch` member and through two
// members of one group, against plain consumption of the same topic by a kafkajs consumer that
// only counts (the baseline), alternating in one run, medians. Then a rebalance: a second member
// joins while the first is mid-topic; how long did consumption stall, and what did it cost in all.
// Needs the broker of scripts/kafka-broker.mjs (node scripts/kafka-broker.mjs start).
// Usage: node bench/kafka.mjs [--records 400000] [--runs 3] [--quick]

import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import kafkajs from 'kafkajs';

const { Kafka, logLevel } = kafkajs;
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const port = Number(process.env.FLINK_DOCTOR_KAFKA_PORT ?? 19092);
const broker = `127.0.0.1:${port}`;
const kafka = new Kafka({ clientId: 'flink-doctor-bench', brokers: [broker], logLevel: logLevel.NOTHING });

// The baseline as its own process: count the topic's records, then exit.
if (args[0] === '--count') {
  const [, topic, group, total] = args;
  const consumer = kafka.consumer({ groupId: group });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let n = 0;
  await new Promise((resolve) => {
    consumer.run({
      eachBatch: async ({ batch }) => {
        n += batch.messages.length;
        if (n >= Number(total)) resolve();
      },
    });
  });
  await consumer.disconnect();
  process.exit(0);
}

const quick = args.includes('--quick');
const records = Number(flag('--records', quick ? '100000' : '400000'));
const runs = Number(flag('--runs', quick ? '1' : '3'));
const PARTITIONS = 4;
const KEYS = 40;

/** Log lines like a TaskManager's: mostly INFO, a failure with its trace now and then. */
function* logLines(key) {
  const failure = [
    'ERROR org.apache.flink.runtime.taskmanager.Task [] - Source: orders (1/4)#0 (a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6_cbc357ccb763df2852fee8c4fc7d55f2_0_0) switched from RUNNING to FAILED with failure cause:',
    'java.io.IOException: Could not perform checkpoint 12 for operator Source: orders (1/4)#0.',
    '\tat org.apache.flink.streaming.runtime.tasks.StreamTask.triggerCheckpointOnBarrier(StreamTask.java:1238)',
    'Caused by: org.rocksdb.RocksDBException: while link file to /mnt/checkpoints/job/job_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6_op_StreamMap_1_4__uuid_00000000/chk-12.tmp/000022.sst: /mnt/checkpoints/job/job_a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6_op_StreamMap_1_4__uuid_00000000/db/000022.sst: Operation not supported',
    '\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)',
  ];
  for (let i = 0; ; i++) {
    const t = new Date(Date.UTC(2024, 2, 11, 9, 0, 0) + i * 10).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
    if (i % 5000 === 4999) for (const [j, l] of failure.entries()) yield j === 0 ? `${t} ${l}` : l;
    else yield `${t} INFO  org.apache.flink.streaming.runtime.tasks.StreamTask [] - ${key}: processed ${i} records in window ${i % 97}`;
  }
}

async function produceTopic(admin, topic) {
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
  const producer = kafka.producer();
  await producer.connect();
  const gens = Array.from({ length: KEYS }, (_, k) => logLines(`job-${k}`));
  let sent = 0;
  let bytes = 0;
  while (sent < records) {
    const messages = [];
    for (let i = 0; i < 5000 && sent < records; i++, sent++) {
      const k = sent % KEYS;
      const value = gens[k].next().value;
      bytes += value.length;
      messages.push({ key: `job-${k}`, value, headers: { pod: `taskmanager-${k}` } });
    }
    await producer.send({ topic, acks: 1, messages });
  }
  await producer.disconnect();
  return bytes;
}

async function committedTotal(admin, group, topic) {
  const [c] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return c.partitions.reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
}

function spawnNode(argv) {
  const child = spawn(process.execPath, argv, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise((resolve) => child.on('close', (code) => resolve(code)));
  return { child, exited, stderr: () => err };
}

function member(topic, group) {
  return spawnNode(['bin/flink-doctor.js', 'watch', `kafka://${broker}/${topic}`, '--group', group, '--from-beginning', '-q', '--session-timeout', '10000']);
}

/** Seconds from start until the group has committed every record; samples of the commit progress. */
async function untilCommitted(admin, group, topic, start, onSample) {
  const t0 = performance.now();
  for (;;) {
    const n = await committedTotal(admin, group, topic);
    onSample?.((performance.now() - t0) / 1000, n);
    if (n >= records) return (performance.now() - t0) / 1000;
    if (performance.now() - t0 > 600_000) throw new Error(`${group}: not done after 600 s (${n} of ${records})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const admin = kafka.admin();
await admin.connect();
const topic = `bench-logs-${Date.now()}`;
process.stderr.write(`kafka bench: producing ${records} records over ${KEYS} keys into ${topic} (${PARTITIONS} partitions)…\n`);
const bytes = await produceTopic(admin, topic);
const times = { plain: [], one: [], two: [] };
for (let r = 0; r < runs; r++) {
  // Plain consumption: a kafkajs consumer that only counts.
  {
    const t0 = performance.now();
    const c = spawnNode([fileURLToPath(import.meta.url), '--count', topic, `bench-plain-${r}-${Date.now()}`, String(records)]);
    if ((await c.exited) !== 0) throw new Error(`counting consumer failed: ${c.stderr()}`);
    times.plain.push((performance.now() - t0) / 1000);
  }
  // One member.
  {
    const group = `bench-one-${r}-${Date.now()}`;
    const t0 = performance.now();
    const m = member(topic, group);
    await untilCommitted(admin, group, topic);
    times.one.push((performance.now() - t0) / 1000);
    m.child.kill('SIGTERM');
    await m.exited;
  }
  // Two members of one group.
  {
    const group = `bench-two-${r}-${Date.now()}`;
    const t0 = performance.now();
    const ms = [member(topic, group), member(topic, group)];
    await untilCommitted(admin, group, topic);
    times.two.push((performance.now() - t0) / 1000);
    for (const m of ms) m.child.kill('SIGTERM');
    await Promise.all(ms.map((m) => m.exited));
  }
}

// A rebalance: a second member joins when the first has committed 40 % of the topic.
const group = `bench-rebalance-${Date.now()}`;
const first = member(topic, group);
let second = null;
let joinedAt = 0;
let lastN = 0;
let lastAdvance = 0;
let stall = 0;
const t0 = performance.now();
await untilCommitted(admin, group, topic, t0, (t, n) => {
  if (!second && n >= records * 0.4) {
    second = member(topic, group);
    joinedAt = t;
    lastAdvance = t;
    lastN = n;
  }
  if (second && n > lastN) {
    stall = Math.max(stall, t - lastAdvance);
    lastAdvance = t;
    lastN = n;
  }
});
const rebalanceTotal = (performance.now() - t0) / 1000;
for (const m of [first, second]) m?.child.kill('SIGTERM');
await Promise.all([first.exited, second?.exited]);
await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
await admin.disconnect();

const mb = bytes / 1e6;
const row = (name, ts) => {
  const t = median(ts);
  return { scenario: name, 'median s': t.toFixed(2), 'records/s': Math.round(records / t), 'MB/s': (mb / t).toFixed(1), 'vs plain': (median(times.plain) / t).toFixed(2) + 'x' };
};
console.log(`Kafka: ${records} records (${mb.toFixed(0)} MB of log lines), ${KEYS} keys, ${PARTITIONS} partitions, broker on ${broker}, ${runs} run(s), medians; each time from process start (group join included) to every offset committed (counted, for the plain consumer)`);
console.table([row('plain kafkajs consumer (counts only)', times.plain), row('flink-doctor watch, one member', times.one), row('flink-doctor watch, two members', times.two)]);
console.log(`rebalance: a second member joined at ${joinedAt.toFixed(1)} s; commits stalled at most ${stall.toFixed(2)} s after it joined; whole topic in ${rebalanceTotal.toFixed(2)} s (one member alone: ${median(times.one).toFixed(2)} s)`);
