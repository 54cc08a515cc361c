// Deterministic generator of realistic Flink JobManager/TaskManager logs for the benchmark:
// ordinary INFO/WARN/DEBUG noise from many loggers, Kafka config dumps, long lines, non-ASCII
// text, checkpoint lines, and injected incidents whose presence the benchmark then checks. With a
// density, that share of the records are failures instead of noise (a crash-looping job: declined
// and failed checkpoints, tasks failing, restarts, exceptions of the application's own).
// With a WARN density above 1, the harmless background is that many times as dense in records at
// WARN or above (the default log has about 47,000 per GiB): Kafka clients that cannot reach a
// broker for a moment, application WARNs with short traces (a share of them: --traces), Kafka
// config dumps and 2–8 KB lines, while every checkpoint still completes.
// Usage: node bench/generate.mjs <out-file> <size-MiB> [--role tm|jm] [--seed N] [--density 0..1]
//   [--warn-density N] [--traces 0..1]

import { createWriteStream } from 'node:fs';

/** Small deterministic PRNG (mulberry32). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JOB = '5e1c0a9b7d3f2e4c6a8b0d1f3e5a7c9b';
const LOGGERS = [
  'org.apache.flink.runtime.taskexecutor.TaskExecutor',
  'org.apache.flink.runtime.io.network.netty.NettyServer',
  'org.apache.flink.streaming.connectors.kafka.internals.KafkaFetcher',
  'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator',
  'org.apache.flink.runtime.state.heap.HeapKeyedStateBackend',
  'org.apache.flink.contrib.streaming.state.RocksDBKeyedStateBackendBuilder',
  'org.apache.flink.runtime.io.disk.iomanager.IOManager',
  'com.example.orders.EnrichmentFunction',
];
const MESSAGES = [
  (r) => `Processed ${Math.floor(r() * 1e6)} records in partition orders-${Math.floor(r() * 24)} (lag ${Math.floor(r() * 5000)})`,
  (r) => `[Consumer clientId=consumer-orders-${Math.floor(r() * 8)}, groupId=orders] Seeking to offset ${Math.floor(r() * 1e9)} for partition orders-${Math.floor(r() * 24)}`,
  (r) => `Kunde «Müller & Söhne» bestellt ${Math.floor(r() * 100)} Stück – Lieferung nach Zürich`,
  (r) => `Finished building RocksDB keyed state-backend at /var/lib/flink/rocksdb/job_${JOB}_op_KeyedProcessOperator_${Math.floor(r() * 1e9).toString(16)}.`,
  (r) => `Successfully registered metric group for operator ${Math.floor(r() * 1000)} with ${Math.floor(r() * 50)} metrics.`,
  (r) => `Request ${Math.floor(r() * 1e12).toString(36)} payload=${'x'.repeat(200 + Math.floor(r() * 1800))}`,
];

function ts(ms) {
  const d = new Date(ms);
  const p = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())},${p(d.getUTCMilliseconds(), 3)}`;
}

function line(t, level, logger, msg) {
  return `${ts(t)} ${level.padEnd(5)} ${logger.padEnd(60)} [] - ${msg}\n`;
}

/** The incidents injected into a TaskManager log, with what the benchmark must find. */
export const INCIDENTS = ['rocksdb-hardlink-unsupported', 'heap-oom', 'disk-full', 'too-many-open-files'];

function incident(kind, t, cp) {
  const inst = `/mnt/share/rocksdb/job_${JOB}_op_KeyedProcessOperator_0a8b2c4d6e8f0a1b3c5d7e9f1a2b4c6d__1_2__uuid_6a1f0c2e-3b4d-4e5f-8a9b-0c1d2e3f4a5b`;
  switch (kind) {
    case 'rocksdb-hardlink-unsupported':
      return (
        line(t, 'INFO', 'org.apache.flink.streaming.runtime.tasks.RegularOperatorChain', `Could not complete snapshot ${cp} for operator KeyedProcess (1/2)#0. Failure reason: Checkpoint was declined.`) +
        `org.apache.flink.runtime.checkpoint.CheckpointException: Could not complete snapshot ${cp} for operator KeyedProcess (1/2)#0. Failure reason: Checkpoint was declined.\n` +
        `\tat org.apache.flink.streaming.api.operators.StreamOperatorStateHandler.snapshotState(StreamOperatorStateHandler.java:269) ~[flink-dist-1.17.2.jar:1.17.2]\n` +
        `Caused by: org.rocksdb.RocksDBException: while link file to ${inst}/chk-${cp}.tmp/000022.sst: ${inst}/db/000022.sst: Operation not supported\n` +
        `\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method) ~[flink-dist-1.17.2.jar:1.17.2]\n\t... 20 more\n`
      );
    case 'heap-oom':
      return line(t, 'ERROR', 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', 'Fatal error occurred while executing the TaskManager. Shutting it down...') + 'java.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)\n';
    case 'disk-full':
      return line(t, 'WARN', 'org.apache.flink.runtime.taskmanager.Task', `KeyedProcess (2/2)#0 (${'ab'.repeat(16)}) switched from RUNNING to FAILED with failure cause:`) + `java.io.IOException: org.rocksdb.RocksDBException: While appending to file: /var/lib/flink/rocksdb/job_${JOB}_op_X/db/000123.sst: No space left on device\n\tat org.apache.flink.contrib.streaming.state.RocksDBWriteBatchWrapper.flush(RocksDBWriteBatchWrapper.java:95)\n`;
    default:
      return line(t, 'WARN', 'org.apache.flink.runtime.io.network.netty.NettyServer', 'Failed to accept connection') + 'java.io.IOException: Too many open files\n\tat sun.nio.ch.ServerSocketChannelImpl.accept0(Native Method)\n';
  }
}

/** Share of the default log's records at WARN (the warn-density multiplies it). */
const BASE_WARN_SHARE = 0.016;
const KAFKA_CONFIG = ['acks = -1', 'batch.size = 16384', 'bootstrap.servers = [kafka-0.kafka.svc:9092, kafka-1.kafka.svc:9092, kafka-2.kafka.svc:9092]', 'buffer.memory = 33554432', 'client.dns.lookup = use_all_dns_ips', 'client.id = producer-orders-sink-1', 'compression.type = lz4', 'connections.max.idle.ms = 540000', 'delivery.timeout.ms = 120000', 'enable.idempotence = true', 'linger.ms = 5', 'max.block.ms = 60000', 'max.in.flight.requests.per.connection = 5', 'metadata.max.age.ms = 300000', 'reconnect.backoff.max.ms = 1000', 'reconnect.backoff.ms = 50', 'request.timeout.ms = 30000', 'retries = 2147483647', 'retry.backoff.ms = 100', 'security.protocol = PLAINTEXT', 'transaction.timeout.ms = 900000', 'transactional.id = orders-sink-0-17'];

/**
 * One record of harmless background noise at WARN (or a config dump, or a long line): what a busy
 * but healthy job writes while its Kafka brokers come and go and its lookups retry.
 */
function noise(r, t, traces) {
  const node = Math.floor(r() * 3);
  const client = r() < 0.5 ? `Consumer clientId=consumer-orders-${Math.floor(r() * 8)}, groupId=orders` : `Producer clientId=producer-orders-sink-${Math.floor(r() * 4)}`;
  const x = r();
  if (x < 0.4) return line(t, 'WARN', 'org.apache.kafka.clients.NetworkClient', `[${client}] Connection to node ${node} (kafka-${node}.kafka.svc.cluster.local/10.0.3.${10 + node}:9092) could not be established. Broker may not be available.`);
  if (x < 0.5) return line(t, 'WARN', 'org.apache.kafka.clients.NetworkClient', `[${client}] Error while fetching metadata with correlation id ${Math.floor(r() * 1e5)} : {orders=LEADER_NOT_AVAILABLE}`);
  if (x < 0.55) return line(t, 'INFO', 'org.apache.kafka.clients.producer.ProducerConfig', 'ProducerConfig values: ') + KAFKA_CONFIG.map((k) => `\t${k}\n`).join('');
  if (x < 0.6) return line(t, 'INFO', 'com.example.orders.EnrichmentFunction', `Cache snapshot ${Math.floor(r() * 1e6)}: ${'k'.repeat(2048 + Math.floor(r() * 6144))}`);
  if (x < 0.8) {
    const head = line(t, 'WARN', 'com.example.orders.CustomerClient', `Lookup of customer ${Math.floor(r() * 1e7)} failed, retrying in ${50 + Math.floor(r() * 200)} ms`);
    return r() < traces ? head + 'java.net.SocketException: Connection reset\n\tat java.base/sun.nio.ch.NioSocketImpl.implRead(NioSocketImpl.java:323)\n\tat com.example.orders.CustomerClient.fetch(CustomerClient.java:57)\n' : head;
  }
  if (x < 0.9) {
    const head = line(t, 'WARN', 'org.apache.flink.runtime.metrics.ReporterSetup', `Metric reporter prom could not report group ${Math.floor(r() * 100)}, skipping this round`);
    return r() < traces ? head + 'java.lang.IllegalStateException: gauge value is not a number\n\tat com.example.metrics.QueueGauge.getValue(QueueGauge.java:31)\n' : head;
  }
  return line(t, 'WARN', 'org.apache.flink.runtime.taskexecutor.slot.TaskSlotTableImpl', `Slot ${Math.floor(r() * 8)} for job ${JOB} is being released after ${Math.floor(r() * 30)} ms idle.`);
}

const CP = 'org.apache.flink.runtime.checkpoint.CheckpointCoordinator';
const EG = 'org.apache.flink.runtime.executiongraph.ExecutionGraph';

/** One record of a crash loop: the failures of checkpoint `cp` as the JobManager and a TaskManager log them. */
function failure(r, t, cp) {
  const attempt = Math.floor(r() * 2 ** 52).toString(16).padStart(32, '0').slice(-32);
  const sub = 1 + Math.floor(r() * 4);
  switch (Math.floor(r() * 8)) {
    case 0:
      return line(t, 'INFO', CP, `Triggering checkpoint ${cp} (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ ${t} for job ${JOB}.`);
    case 1:
      return line(t, 'INFO', CP, `Decline checkpoint ${cp} by task ${attempt} of job ${JOB} at container_e12_1700000000000_0042_01_00000${sub} @ worker-${sub}.example.com (dataPort=39${sub}11).`);
    case 2:
      return line(t, 'WARN', CP, `Failed to trigger or complete checkpoint ${cp} for job ${JOB}. (0 consecutive failed attempts so far)`) + `org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint expired before completing.\n\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator$CheckpointCanceller.run(CheckpointCoordinator.java:2143) ~[flink-dist-1.17.2.jar:1.17.2]\n`;
    case 3:
      return line(t, 'INFO', EG, `KeyedProcess (${sub}/4) (${attempt}_0_${cp % 7}) switched from RUNNING to FAILED on container_e12_1700000000000_0042_01_00000${sub} @ worker-${sub}.example.com (dataPort=39${sub}11).`) + `java.io.IOException: Could not perform checkpoint ${cp} for operator KeyedProcess (${sub}/4)#${cp % 7}.\n\tat org.apache.flink.streaming.runtime.tasks.StreamTask.triggerCheckpointOnBarrier(StreamTask.java:1238) ~[flink-dist-1.17.2.jar:1.17.2]\n\t... 13 more\n`;
    case 4:
      return line(t, 'INFO', EG, `Job orders-enrichment (${JOB}) switched from state RUNNING to RESTARTING.`);
    case 5:
      return line(t, 'WARN', 'com.example.orders.EnrichmentFunction', `Lookup failed for order ${Math.floor(r() * 1e9)} in region ${['eu', 'us', 'ap'][Math.floor(r() * 3)]}-${Math.floor(r() * 100)}`) + `com.example.orders.LookupException: no customer ${Math.floor(r() * 1e7)} in cache shard ${Math.floor(r() * 64)}\n\tat com.example.orders.EnrichmentFunction.processElement(EnrichmentFunction.java:88) ~[orders.jar:?]\n`;
    case 6:
      return line(t, 'ERROR', 'org.apache.flink.runtime.taskmanager.Task', `Sink: kafka (${sub}/4)#${cp % 7} (${attempt}) switched from RUNNING to FAILED with failure cause:`) + `org.apache.kafka.common.errors.TimeoutException: Timeout expired after ${60000 + Math.floor(r() * 1000)}ms while awaiting InitProducerId\n`;
    default:
      return incident(INCIDENTS[Math.floor(r() * INCIDENTS.length)], t, cp);
  }
}

/** Writes `sizeMiB` of log to `out`; resolves to the list of injected incident kinds. `density`: share of records that are failures. */
export async function generate(out, sizeMiB, { seed = 42, role = 'tm', density = 0, warnDensity = 1, traces = 0.3 } = {}) {
  // Records beyond the default WARN share, in the default log's place (a density of 1 leaves it as it was).
  // (A tenth of the extra records are config dumps and long lines, which also take room: 1.25 makes up for it.)
  const extraNoise = Math.max(0, warnDensity - 1) * BASE_WARN_SHARE * 1.25;
  const r = rng(seed);
  const target = sizeMiB * 1024 * 1024;
  const ws = createWriteStream(out);
  let written = 0;
  let t = Date.UTC(2024, 2, 11, 9, 0, 0);
  let cp = 1;
  const injected = [];
  const every = Math.max(1, Math.floor(target / 40));
  let nextIncident = every;
  const push = (s) => {
    written += Buffer.byteLength(s);
    return ws.write(s);
  };
  push(line(t, 'INFO', 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', ` Starting ${role === 'jm' ? 'StandaloneSessionClusterEntrypoint' : 'TaskManager'} (Version: 1.17.2, Scala: 2.12, Rev:c0027e5, Date:2023-11-09T13:24:13+01:00)`));
  while (written < target) {
    let chunk = '';
    for (let i = 0; i < 200; i++) {
      t += Math.floor(r() * 40);
      const x = r();
      if (extraNoise > 0 && r() < extraNoise) {
        chunk += noise(r, t, traces);
        if (r() < 0.004) chunk += line(t, 'INFO', CP, `Completed checkpoint ${cp++} for job ${JOB} (${Math.floor(r() * 1e7)} bytes, checkpointDuration=${Math.floor(r() * 900)} ms, finalizationTime=2 ms).`);
        continue;
      }
      if (density > 0 && r() < density) {
        if (r() < 0.05) cp++;
        chunk += failure(r, t, cp);
      } else if (x < 0.001) {
        chunk += line(t, 'INFO', 'org.apache.kafka.clients.consumer.ConsumerConfig', 'ConsumerConfig values: ');
        for (const k of ['allow.auto.create.topics = true', 'auto.commit.interval.ms = 5000', 'bootstrap.servers = [kafka-0:9092, kafka-1:9092]', 'client.id = consumer-orders-1', 'max.poll.records = 500', 'session.timeout.ms = 10000']) chunk += `\t${k}\n`;
      } else if (x < 0.004) {
        chunk += line(t, 'INFO', 'org.apache.flink.runtime.checkpoint.CheckpointCoordinator', `Completed checkpoint ${cp++} for job ${JOB} (${Math.floor(r() * 1e7)} bytes, checkpointDuration=${Math.floor(r() * 900)} ms, finalizationTime=2 ms).`);
      } else {
        const lv = x < 0.02 ? 'WARN' : x < 0.3 ? 'DEBUG' : 'INFO';
        chunk += line(t, lv, LOGGERS[Math.floor(r() * LOGGERS.length)], MESSAGES[Math.floor(r() * MESSAGES.length)](r));
      }
    }
    if (written + chunk.length >= nextIncident && injected.length < 40) {
      const kind = INCIDENTS[injected.length % INCIDENTS.length];
      chunk += incident(kind, t, cp);
      injected.push(kind);
      nextIncident += every;
    }
    if (!push(chunk)) await new Promise((res) => ws.once('drain', res));
  }
  await new Promise((res) => ws.end(res));
  return [...new Set(injected)];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [out, size] = process.argv.slice(2);
  if (!out || !size) {
    console.error('usage: node bench/generate.mjs <out-file> <size-MiB> [--role tm|jm] [--seed N] [--density 0..1] [--warn-density N] [--traces 0..1]');
    process.exit(2);
  }
  const roleIdx = process.argv.indexOf('--role');
  const seedIdx = process.argv.indexOf('--seed');
  const densityIdx = process.argv.indexOf('--density');
  const warnIdx = process.argv.indexOf('--warn-density');
  const tracesIdx = process.argv.indexOf('--traces');
  const kinds = await generate(out, Number(size), {
    role: roleIdx > 0 ? process.argv[roleIdx + 1] : 'tm',
    seed: seedIdx > 0 ? Number(process.argv[seedIdx + 1]) : 42,
    density: densityIdx > 0 ? Number(process.argv[densityIdx + 1]) : 0,
    warnDensity: warnIdx > 0 ? Number(process.argv[warnIdx + 1]) : 1,
    traces: tracesIdx > 0 ? Number(process.argv[tracesIdx + 1]) : 0.3,
  });
  console.log(`wrote ${out}: ${size} MiB, incidents: ${kinds.join(', ')}`);
}
