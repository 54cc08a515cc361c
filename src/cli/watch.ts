// The `watch` command: flags into WatchOptions, SIGINT and SIGTERM into a clean stop (a pod being
// stopped hands on what it holds and commits), a one-line summary on standard error.

import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BUILTIN_PATTERN_DIR, loadPatterns } from '../detect/pattern.js';
import { readIgnoreFile } from '../ignore.js';
import { liveSetup } from '../follow.js';
import { UsageError, type Io } from './io.js';

interface WatchFlags {
  group: string;
  outputTopic?: string;
  stdout?: boolean;
  fromBeginning?: boolean;
  flushAfter: string;
  idleTimeout: string;
  maxGroups: string;
  maxSignals: string;
  sessionTimeout: string;
  clientId?: string;
  patterns: string[];
  ignore?: string;
  quiet?: boolean;
}

function count(v: string, flag: string, min: number): number {
  if (!/^\d+$/.test(v.trim()) || Number(v) < min) throw new UsageError(`${flag}: '${v}' is not a whole number of at least ${min}`);
  return Number(v);
}

/** Adds `watch kafka://…`. */
export function watchCommand(program: Command, io: Io, state: { code: number }): void {
  program
    .command('watch')
    .description('diagnose a log stream on Kafka as a member of a consumer group; each new or grown finding is written as JSON (to --output-topic, keyed by job id, and/or standard output)')
    .argument('<address>', 'kafka://host:port[,host:port…]/topic (kafkas:// for TLS; ?sasl=plain|scram-sha-256|scram-sha-512 with FLINK_DOCTOR_KAFKA_USERNAME and FLINK_DOCTOR_KAFKA_PASSWORD)')
    .option('-g, --group <id>', 'consumer group id: members of one group share the partitions', 'flink-doctor')
    .option('--output-topic <topic>', 'write findings to this topic (acks from all in-sync replicas) before committing offsets')
    .option('--stdout', 'also write findings to standard output as JSON lines (the default without --output-topic)')
    .option('--from-beginning', 'a group with no committed offsets starts at the earliest record (default: the latest)')
    .option('--flush-after <ms>', 'hand on a source\'s unfinished record (a stack trace waiting for more lines) after this much quiet', '2000')
    .option('--idle-timeout <s>', 'report and drop the state of a record key that sent nothing for this long', '1800')
    .option('--max-groups <n>', 'keep the state of at most this many record keys (least recently used dropped first)', '2000')
    .option('--max-signals <n>', 'start the state of a record key afresh once it holds this many signals', '50000')
    .option('--session-timeout <ms>', 'consumer group session timeout: how soon the partitions of a member that died are taken over', '30000')
    .option('--client-id <id>', 'Kafka client id', 'flink-doctor')
    .option('-p, --patterns <dir>', 'add or override patterns from a directory (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--ignore <file>', 'mute findings listed in this file (default: ./.flink-doctor-ignore when present)')
    .option('-q, --quiet', 'no warnings or summary on standard error')
    .action(async (address: string, flags: WatchFlags) => {
      state.code = await watchAction(address, flags, io);
    });
}

async function watchAction(addressText: string, flags: WatchFlags, io: Io): Promise<number> {
  const { AddressError, parseKafkaAddress, watchKafka } = await import('../fleet/watch.js');
  let address;
  try {
    address = parseKafkaAddress(addressText);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof AddressError) throw new UsageError(e.message);
    throw e;
  }
  for (const d of flags.patterns) if (!existsSync(d)) throw new UsageError(`--patterns ${d}: no such directory`);
  if (flags.outputTopic !== undefined && !/^[\w.-]{1,249}$/.test(flags.outputTopic)) throw new UsageError(`--output-topic: '${flags.outputTopic}' is not a valid topic name`);
  const patterns = loadPatterns([BUILTIN_PATTERN_DIR, ...flags.patterns]);
  const ignore = flags.ignore ? readIgnoreFile(flags.ignore) : existsSync('.flink-doctor-ignore') ? readIgnoreFile('.flink-doctor-ignore') : [];
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  if (io.signal) io.signal.addEventListener('abort', stop, { once: true });
  else process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const warn = (m: string): void => {
    if (!flags.quiet) io.stderr.write(`flink-doctor: warning: ${m}\n`);
  };
  try {
    const summary = await watchKafka({
      address,
      setup: liveSetup(patterns, ignore),
      group: flags.group,
      ...(flags.clientId ? { clientId: flags.clientId } : {}),
      ...(flags.outputTopic ? { outputTopic: flags.outputTopic } : {}),
      stdout: flags.stdout || !flags.outputTopic ? io.stdout : null,
      fromBeginning: flags.fromBeginning === true,
      flushAfterMs: count(flags.flushAfter, '--flush-after', 1),
      idleMs: count(flags.idleTimeout, '--idle-timeout', 1) * 1000,
      maxGroups: count(flags.maxGroups, '--max-groups', 1),
      maxSignals: count(flags.maxSignals, '--max-signals', 1),
      sessionTimeoutMs: count(flags.sessionTimeout, '--session-timeout', 1000),
      signal: controller.signal,
      env: io.env,
      onWarning: warn,
      onAssigned: (partitions) => {
        if (!flags.quiet) io.stderr.write(`flink-doctor: watch: ${address.topic} partitions ${partitions.length ? partitions.join(',') : '(none)'} assigned to this member\n`);
      },
    });
    if (!flags.quiet) io.stderr.write(`flink-doctor: watch stopped: ${summary.records} records read (${summary.skipped} skipped), ${summary.findings} findings written, ${summary.rebalances} rebalances\n`);
    return 0;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    if (e instanceof AddressError) throw new UsageError(e.message);
    io.stderr.write(`flink-doctor: watch: ${(e as Error).message}\n`);
    return 2;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    io.signal?.removeEventListener('abort', stop);
  }
}
