// `flink-doctor watch kafka://…`: one member of a Kafka consumer group. Each batch of records goes
// through the member's state (fleet/sessions.ts); the findings it produced are written (to an
// output topic, acknowledged by all in-sync replicas, and/or to standard output as JSON lines) and
// only then are the partitions' offsets committed. Reading waits while the output does: a batch is
// not finished, so the next is not fetched, until its findings are written. After a rebalance the
// member forgets its state and reads its partitions again from their committed offsets.

import type { Consumer, EachBatchPayload, KafkaConfig, Producer, SASLOptions } from 'kafkajs';
import type { LiveSetup } from '../follow.js';
import { FleetState, type FindingRecord } from './sessions.js';
import type { LogRecordIn } from './record.js';

/** Where to read: brokers and topic from a kafka:// (or kafkas:// for TLS) address. */
export interface KafkaAddress {
  brokers: string[];
  topic: string;
  ssl: boolean;
  /** SASL mechanism from ?sasl=plain|scram-sha-256|scram-sha-512 (credentials from the environment). */
  sasl: 'plain' | 'scram-sha-256' | 'scram-sha-512' | null;
}

/** A Kafka address the user can fix: the message says what is wrong. */
export class AddressError extends Error {}

/** Parses `kafka://host:port[,host:port…]/topic[?sasl=…]`. */
export function parseKafkaAddress(s: string): KafkaAddress {
  const m = /^(kafkas?):\/\/([^/?]+)\/([^/?]+)(?:\?(.*))?$/.exec(s);
  if (!m) throw new AddressError(`'${s}' is not a Kafka address; use kafka://host:port[,host:port…]/topic`);
  const brokers = m[2]!.split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of brokers) if (!/^[\w.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(b)) throw new AddressError(`'${b}' in ${s} is not host:port`);
  const topic = decodeURIComponent(m[3]!);
  if (!/^[\w.-]{1,249}$/.test(topic)) throw new AddressError(`'${topic}' is not a valid topic name (letters, digits, '.', '_', '-')`);
  const params = new URLSearchParams(m[4] ?? '');
  const sasl = params.get('sasl');
  if (sasl !== null && !['plain', 'scram-sha-256', 'scram-sha-512'].includes(sasl)) throw new AddressError(`sasl=${sasl}: use plain, scram-sha-256 or scram-sha-512`);
  for (const k of params.keys()) if (k !== 'sasl') throw new AddressError(`unknown parameter '${k}' in ${s} (only sasl=…)`);
  return { brokers, topic, ssl: m[1] === 'kafkas', sasl: sasl as KafkaAddress['sasl'] };
}

export interface WatchOptions {
  address: KafkaAddress;
  setup: LiveSetup;
  group: string;
  clientId?: string;
  /** Topic the findings are written to (keyed by job id); none: standard output only. */
  outputTopic?: string;
  /** JSON lines of the findings; null: none. */
  stdout: NodeJS.WritableStream | null;
  /** Start a new group at the earliest offset instead of the latest. */
  fromBeginning: boolean;
  flushAfterMs: number;
  idleMs: number;
  maxGroups: number;
  maxSignals: number;
  sessionTimeoutMs: number;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  onWarning: (message: string) => void;
  /** Called after offsets were committed (tests, progress). */
  onCommit?: (partition: number, offset: bigint) => void;
  /** Called with the partitions assigned after each rebalance. */
  onAssigned?: (partitions: number[]) => void;
}

export interface WatchSummary {
  records: number;
  skipped: number;
  findings: number;
  rebalances: number;
  evicted: number;
}

/** Runs a group member until the signal aborts, then hands on what it holds, commits and leaves the group. */
export async function watchKafka(opts: WatchOptions): Promise<WatchSummary> {
  const { Kafka, logLevel, Partitioners } = (await import('kafkajs')).default;
  const { address } = opts;
  const warnLimited = rateLimited(opts.onWarning, 5000);
  const config: KafkaConfig = {
    clientId: opts.clientId ?? 'flink-doctor',
    brokers: address.brokers,
    ssl: address.ssl,
    connectionTimeout: 3000,
    // A broker restart: retry soon and often, instead of backing off for tens of seconds.
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 30 },
    logLevel: logLevel.ERROR,
    logCreator: () => (entry) => {
      if (entry.level > logLevel.ERROR) return;
      const error = typeof entry.log.error === 'string' ? entry.log.error : '';
      // A rebalance and a coordinator still starting are how a group works, not failures.
      if (/rebalancing|coordinator is (?:not available|loading)/i.test(error)) return;
      warnLimited(`kafka: ${entry.log.message}${error ? `: ${error}` : ''}${entry.log.broker ? ` (${entry.log.broker})` : ''}`);
    },
  };
  if (address.sasl) {
    const username = opts.env.FLINK_DOCTOR_KAFKA_USERNAME;
    const password = opts.env.FLINK_DOCTOR_KAFKA_PASSWORD;
    if (!username || !password) throw new AddressError(`sasl=${address.sasl} needs FLINK_DOCTOR_KAFKA_USERNAME and FLINK_DOCTOR_KAFKA_PASSWORD in the environment`);
    config.sasl = { mechanism: address.sasl, username, password } as SASLOptions;
  }
  const kafka = new Kafka(config);
  const state = new FleetState({
    setup: opts.setup,
    topic: address.topic,
    flushAfterMs: opts.flushAfterMs,
    idleMs: opts.idleMs,
    maxGroups: opts.maxGroups,
    maxSignals: opts.maxSignals,
    onWarning: (source, message) => opts.onWarning(`${source}: ${message}`),
  });
  const consumer: Consumer = kafka.consumer({
    groupId: opts.group,
    sessionTimeout: opts.sessionTimeoutMs,
    heartbeatInterval: Math.max(100, Math.floor(opts.sessionTimeoutMs / 10)),
    rebalanceTimeout: Math.max(opts.sessionTimeoutMs, 10_000),
    // A member heartbeats between fetches: a short long-poll lets it join a rebalance soon.
    maxWaitTimeInMs: 500,
    retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 30 },
  });
  const producer: Producer | null = opts.outputTopic ? kafka.producer({ allowAutoTopicCreation: true, createPartitioner: Partitioners.DefaultPartitioner, retry: { initialRetryTime: 100, maxRetryTime: 2000, retries: 30 } }) : null;
  const committed = new Map<number, bigint>();
  let rebalances = 0;
  let resetPending = false;
  let heartbeat: (() => Promise<void>) | null = null;
  let crashed: Error | null = null;
  /** Findings that could not be written: the member stops without committing what they cover. */
  let fatal: Error | null = null;
  let stopping = false;

  consumer.on(consumer.events.GROUP_JOIN, (e) => {
    rebalances++;
    resetPending = true;
    opts.onAssigned?.([...(e.payload.memberAssignment[address.topic] ?? [])].sort((a, b) => a - b));
  });
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) crashed = e.payload.error;
    warnLimited(`kafka: consumer ${e.payload.restart ? 'restarts after' : 'stopped by'} ${e.payload.error.message}`);
  });

  /** Steps run one at a time: a batch, a timer tick, the final flush. */
  let queue: Promise<void> = Promise.resolve();
  const serial = (step: () => Promise<void>): Promise<void> => {
    const next = queue.then(step);
    queue = next.catch(() => undefined);
    return next;
  };

  const write = async (records: FindingRecord[]): Promise<void> => {
    if (records.length === 0) return;
    const beat = setInterval(() => void heartbeat?.().catch(() => undefined), 500);
    try {
      if (producer) {
        await producer.send({ topic: opts.outputTopic!, acks: -1, messages: records.map((r) => ({ key: r.key, value: r.value })) });
      }
      if (opts.stdout) await writeOut(opts.stdout, records.map((r) => r.value + '\n').join(''));
    } finally {
      clearInterval(beat);
    }
  };

  /** Writes the findings gathered, then commits what they cover. */
  const writeAndCommit = async (): Promise<void> => {
    try {
      await write(state.drain());
    } catch (e) {
      fatal = new Error(`findings could not be written (${(e as Error).message}); stopped without committing the records they came from, which the group reads again`);
      throw fatal;
    }
    const offsets = [];
    for (const p of state.partitions()) {
      const to = state.committable(p);
      if (to !== null && to > (committed.get(p) ?? -1n)) offsets.push({ topic: address.topic, partition: p, offset: to.toString() });
    }
    if (offsets.length === 0) return;
    try {
      await consumer.commitOffsets(offsets);
      for (const o of offsets) {
        committed.set(o.partition, BigInt(o.offset));
        opts.onCommit?.(o.partition, BigInt(o.offset));
      }
    } catch (e) {
      warnLimited(`kafka: offsets not committed (${(e as Error).message}); records after the last commit will be read again`);
    }
  };

  const reportEvery = Math.max(50, Math.min(1000, Math.floor(opts.flushAfterMs / 2)));
  let lastReport = 0;
  const reportAndCommit = async (): Promise<void> => {
    lastReport = Date.now();
    await state.settle();
    await writeAndCommit();
  };

  const resetIfRebalanced = async (): Promise<void> => {
    if (!resetPending) return;
    resetPending = false;
    await state.reset();
    committed.clear();
  };

  const eachBatch = async ({ batch, heartbeat: hb, isRunning, isStale }: EachBatchPayload): Promise<void> => {
    heartbeat = hb;
    await serial(async () => {
      if (fatal) return;
      await resetIfRebalanced();
      if (stopping || !isRunning() || isStale()) return;
      const records: LogRecordIn[] = batch.messages.map((m) => ({ partition: batch.partition, offset: m.offset, key: m.key, value: m.value, headers: m.headers }));
      await state.take(records);
      // Correlating a group costs more than reading a batch: report and commit once per interval.
      if (Date.now() - lastReport >= reportEvery) await reportAndCommit();
    });
  };

  try {
    await Promise.all([consumer.connect(), producer?.connect()]);
    await consumer.subscribe({ topic: address.topic, fromBeginning: opts.fromBeginning });
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: true, eachBatch });
  } catch (e) {
    await Promise.allSettled([consumer.disconnect(), producer?.disconnect()]);
    throw new Error(`cannot read ${address.topic} from ${address.brokers.join(',')}: ${(e as Error).message}`);
  }

  const tick = setInterval(() => {
    void serial(async () => {
      if (fatal) return;
      await resetIfRebalanced();
      if (Date.now() - lastReport >= reportEvery) await reportAndCommit();
    }).catch((e) => {
      if (!fatal) warnLimited(`watch: ${(e as Error).message}`);
    });
  }, reportEvery);

  await new Promise<void>((resolve) => {
    if (opts.signal.aborted) return resolve();
    opts.signal.addEventListener('abort', () => resolve(), { once: true });
    const poll = setInterval(() => {
      if (crashed || fatal) {
        clearInterval(poll);
        resolve();
      }
    }, 200);
    opts.signal.addEventListener('abort', () => clearInterval(poll), { once: true });
  });
  clearInterval(tick);
  // Stop fetching, hand on what is held and commit it while still a member, then leave the group
  // (its partitions go to the others at once). Not inside eachBatch: disconnect waits for it.
  consumer.pause([{ topic: address.topic }]);
  await serial(async () => {
    stopping = true;
    if (resetPending || crashed || fatal) return; // nothing held belongs to this member any more, or it cannot be written
    await state.settle(true);
    await writeAndCommit();
  }).catch((e) => {
    if (!fatal) opts.onWarning(`watch: ${(e as Error).message}`);
  });
  await Promise.allSettled([consumer.disconnect(), producer?.disconnect()]);
  if (fatal) throw fatal;
  if (crashed) throw new Error(`the Kafka consumer stopped: ${(crashed as Error).message}`);
  return { records: state.stats.records, skipped: state.stats.skipped, findings: state.stats.findings, rebalances, evicted: state.stats.evicted };
}

/** Writes to a stream and waits until it has taken the text (drained) or failed. */
function writeOut(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let waiting = false;
    const done = (e?: Error | null): void => {
      out.removeListener('drain', onDrain);
      out.removeListener('error', done);
      if (e) {
        // The stream reports the failure again as an 'error' event: it is handled here.
        out.on('error', () => undefined);
        reject(e);
      } else resolve();
    };
    const onDrain = (): void => done();
    out.once('error', done);
    const ok = out.write(text, (e?: Error | null) => {
      if (e) done(e);
      else if (!waiting) done();
    });
    if (!ok) {
      waiting = true;
      out.once('drain', onDrain);
    }
  });
}

/** Passes a message on at most once per `ms`, counting the ones held back. */
function rateLimited(f: (m: string) => void, ms: number): (m: string) => void {
  let last = 0;
  let held = 0;
  return (m) => {
    const now = Date.now();
    if (now - last < ms) {
      held++;
      return;
    }
    last = now;
    f(held > 0 ? `${m} (and ${held} similar messages)` : m);
    held = 0;
  };
}
