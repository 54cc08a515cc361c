// Generated logs for the unknown-failure tests: a JobManager log where one rare custom failure
// right before a restart is buried in benign WARNs, Kafka rebalances and a chatty constant WARN;
// two root causes behind the same JobExecutionException wrapper; and one failure logged by two
// TaskManagers of different hosts, ids and Flink versions.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

export const JOB = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2024-05-02 HH:MM:SS,mmm` for a number of seconds after 10:00:00. */
export function at(seconds: number, ms = 0): string {
  const h = 10 + Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return `2024-05-02 ${pad(h)}:${pad(m)}:${pad(s)},${pad(ms, 3)}`;
}

const line = (t: string, level: string, logger: string, msg: string): string => `${t} ${level.padEnd(5)} ${logger} [] - ${msg}`;

/** Time (seconds after 10:00) of the rare failure in the noisy log; the restart follows 2 s later. */
export const RARE_AT = 3000;

/**
 * A one-hour JobManager log: checkpoints every 30 s, a chatty WARN every 10 s, hundreds of benign
 * WARNs (unknown Kafka client properties, deprecated keys, native-hadoop), routine Kafka
 * rebalances, a one-off ERROR late in the log, and one rare custom failure right before a restart.
 */
export function noisyJobManagerLog(): string {
  const out: string[] = [];
  out.push(line(at(0), 'INFO', 'org.apache.flink.runtime.entrypoint.ClusterEntrypoint', ' Starting StandaloneSessionClusterEntrypoint (Version: 1.17.2, Scala: 2.12, Rev:c0027e5, Date:2023-11-09T13:24:13+01:00)'));
  out.push(line(at(1), 'WARN', 'org.apache.hadoop.util.NativeCodeLoader', 'Unable to load native-hadoop library for your platform... using builtin-java classes where applicable'));
  out.push(line(at(2), 'WARN', 'org.apache.flink.configuration.Configuration', "Config uses deprecated configuration key 'state.backend' instead of proper key 'state.backend.type'"));
  out.push(line(at(3), 'INFO', 'org.apache.flink.runtime.executiongraph.ExecutionGraph', `Job orders-enrichment (${JOB}) switched from state CREATED to RUNNING.`));
  let cp = 0;
  for (let s = 5; s < 3600; s += 5) {
    if (s % 30 === 0) {
      cp++;
      out.push(line(at(s), 'INFO', 'org.apache.flink.runtime.checkpoint.CheckpointCoordinator', `Triggering checkpoint ${cp} (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ ${1714644000000 + s * 1000} for job ${JOB}.`));
      out.push(line(at(s, 400), 'INFO', 'org.apache.flink.runtime.checkpoint.CheckpointCoordinator', `Completed checkpoint ${cp} for job ${JOB} (${20000 + cp} bytes, checkpointDuration=400 ms, finalizationTime=2 ms).`));
    }
    if (s % 10 === 0) out.push(line(at(s, 100), 'WARN', 'com.acme.metrics.StatsdReporter', `Dropped ${s % 37} metrics for statsd-${s % 3}.metrics.acme-corp.com:8125: UDP send buffer full`));
    if (s % 15 === 0) {
      out.push(line(at(s, 200), 'WARN', 'org.apache.kafka.clients.consumer.ConsumerConfig', `The configuration 'flink.partition-discovery.interval-millis' was supplied but isn't a known config.`));
      out.push(line(at(s, 210), 'WARN', 'org.apache.kafka.clients.admin.AdminClientConfig', `The configuration 'client.id.prefix' was supplied but isn't a known config.`));
    }
    if (s % 300 === 0) {
      const gen = s / 300;
      out.push(line(at(s, 500), 'INFO', 'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator', `[Consumer clientId=orders-${gen}, groupId=orders] Request joining group due to: group is already rebalancing`));
      out.push(line(at(s, 510), 'WARN', 'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator', `[Consumer clientId=orders-${gen}, groupId=orders] Attempt to heartbeat failed since group is rebalancing`));
      out.push(line(at(s, 520), 'INFO', 'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator', `[Consumer clientId=orders-${gen}, groupId=orders] Revoking previously assigned partitions [orders-0, orders-1]`));
      out.push(line(at(s, 530), 'INFO', 'org.apache.kafka.clients.consumer.internals.ConsumerCoordinator', `[Consumer clientId=orders-${gen}, groupId=orders] (Re-)joining group`));
    }
    if (s === 3400) {
      // A one-off ERROR late in the log, far from any failure: recent but unrelated.
      out.push(line(at(s, 300), 'ERROR', 'com.acme.audit.AuditSink', 'Could not close audit sink cleanly'));
      out.push('java.io.IOException: Stream closed while flushing 12 records');
      out.push('\tat com.acme.audit.AuditSink.close(AuditSink.java:88) ~[orders-job.jar:?]');
      out.push('\tat java.lang.Thread.run(Thread.java:829) [?:?]');
    }
    if (s === RARE_AT) {
      out.push(line(at(s, 700), 'ERROR', 'com.acme.orders.EnrichmentFunction', 'Enrichment of order 55012 failed'));
      out.push(...paymentTrace('gw-7.payments.acme-corp.com', 991, 'java.base/'));
      out.push(line(at(s + 2, 100), 'INFO', 'org.apache.flink.runtime.executiongraph.ExecutionGraph', `Enrich (2/4) (0f0e0d0c0b0a09080706050403020100_cbc357ccb763df2852fee8c4fc7d55f2_1_0) switched from RUNNING to FAILED on 10.0.0.7:6122-a1b2c3 @ tm-7.prod.acme-corp.com (dataPort=41233).`));
      out.push(...paymentTrace('gw-3.payments.acme-corp.com', 992, ''));
      out.push(line(at(s + 2, 300), 'INFO', 'org.apache.flink.runtime.executiongraph.ExecutionGraph', `Job orders-enrichment (${JOB}) switched from state RUNNING to RESTARTING.`));
      out.push(line(at(s + 12, 300), 'INFO', 'org.apache.flink.runtime.executiongraph.ExecutionGraph', `Job orders-enrichment (${JOB}) switched from state RESTARTING to RUNNING.`));
    }
  }
  return out.join('\n') + '\n';
}

/** The custom failure: wrapped by Flink's operator chain, with the application frames that matter. */
export function paymentTrace(gateway: string, batch: number, module: string): string[] {
  return [
    `org.apache.flink.streaming.runtime.tasks.ExceptionInChainedOperatorException: Could not forward element to next operator`,
    `\tat org.apache.flink.streaming.runtime.tasks.CopyingChainingOutput.pushToOperator(CopyingChainingOutput.java:92) ~[flink-dist-1.17.2.jar:1.17.2]`,
    `Caused by: com.acme.orders.PaymentGatewayException: Gateway ${gateway} rejected batch ${batch}: HTTP 503`,
    `\tat com.acme.orders.PaymentClient.send(PaymentClient.java:214) ~[orders-job.jar:?]`,
    `\tat com.acme.orders.PaymentClient.lambda$sendAsync$3(PaymentClient.java:160) ~[orders-job.jar:?]`,
    `\tat com.acme.orders.EnrichmentFunction.processElement(EnrichmentFunction.java:77) ~[orders-job.jar:?]`,
    `\tat org.apache.flink.streaming.api.operators.ProcessOperator.processElement(ProcessOperator.java:66) ~[flink-dist-1.17.2.jar:1.17.2]`,
    `\tat ${module}java.lang.Thread.run(Thread.java:829) [?:?]`,
  ];
}

/** A client log with two failures behind the same JobExecutionException, and one bare wrapper. */
export function wrapperLog(): string {
  const wrap = (t: string, cause: string[]): string[] => [
    line(t, 'ERROR', 'org.apache.flink.client.cli.CliFrontend', 'Error while running the command.'),
    'org.apache.flink.client.program.ProgramInvocationException: The main method caused an error: org.apache.flink.runtime.client.JobExecutionException: Job execution failed.',
    '\tat org.apache.flink.client.program.PackagedProgram.callMainMethod(PackagedProgram.java:372) ~[flink-dist-1.17.2.jar:1.17.2]',
    'Caused by: org.apache.flink.runtime.client.JobExecutionException: Job execution failed.',
    '\tat org.apache.flink.runtime.jobmaster.JobResult.toJobExecutionResult(JobResult.java:144) ~[flink-dist-1.17.2.jar:1.17.2]',
    ...cause,
  ];
  return [
    ...wrap(at(10), [
      'Caused by: com.acme.inventory.InventoryMissingException: SKU 4711 not found in warehouse 7',
      '\tat com.acme.inventory.StockLookup.find(StockLookup.java:41) ~[inventory-job.jar:?]',
      '\tat com.acme.inventory.ReserveFunction.map(ReserveFunction.java:29) ~[inventory-job.jar:?]',
    ]),
    ...wrap(at(20), [
      'Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      '\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696) ~[inventory-job.jar:?]',
      '\tat com.acme.inventory.JdbcSink.invoke(JdbcSink.java:52) ~[inventory-job.jar:?]',
    ]),
    ...wrap(at(30), [
      'Caused by: com.acme.inventory.InventoryMissingException: SKU 815 not found in warehouse 2',
      '\tat com.acme.inventory.StockLookup.find(StockLookup.java:41) ~[inventory-job.jar:?]',
      '\tat com.acme.inventory.ReserveFunction.map(ReserveFunction.java:29) ~[inventory-job.jar:?]',
    ]),
    // A wrapper whose cause the record lost (cut by a log shipper).
    line(at(40), 'ERROR', 'org.apache.flink.client.cli.CliFrontend', 'Error while running the command.'),
    'org.apache.flink.runtime.client.JobExecutionException: Job execution failed.',
    '\tat org.apache.flink.runtime.jobmaster.JobResult.toJobExecutionResult(JobResult.java:144) ~[flink-dist-1.17.2.jar:1.17.2]',
    '',
  ].join('\n');
}

/** One failure as two TaskManagers of different hosts, ids and Flink versions log it. */
export function twoTaskManagerLogs(): { a: string; b: string } {
  const tm = (version: string, host: string, ip: string, attempt: string, module: string, jar: string): string =>
    [
      line(at(0), 'INFO', 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', `Starting TaskManager (Version: ${version}, Scala: 2.12, Rev:c0027e5, Date:2023-11-09T13:24:13+01:00)`),
      line(at(60), 'WARN', 'org.apache.flink.runtime.taskmanager.Task', `Sink: ledger-writer (3/8)#0 (${attempt}) switched from RUNNING to FAILED with failure cause:`),
      `com.acme.ledger.LedgerWriteException: Ledger shard ${host}:7443 refused write of 128 rows at offset 990${version.slice(-1)} (txn ${attempt.slice(0, 12)})`,
      `\tat com.acme.ledger.LedgerClient.write(LedgerClient.java:${version === '1.17.2' ? 120 : 118}) ~[${jar}]`,
      `\tat com.acme.ledger.LedgerSink.invoke(LedgerSink.java:61) ~[${jar}]`,
      `\tat org.apache.flink.streaming.api.operators.StreamSink.processElement(StreamSink.java:54) ~[flink-dist-${version}.jar:${version}]`,
      `\tat org.apache.flink.streaming.runtime.tasks.OneInputStreamTask$StreamTaskNetworkOutput.emitRecord(OneInputStreamTask.java:233) ~[flink-dist-${version}.jar:${version}]`,
      `\tat ${module}java.lang.Thread.run(Thread.java:829) [?:?]`,
      line(at(61), 'INFO', 'org.apache.flink.runtime.taskexecutor.TaskExecutor', `Un-registering task and sending final execution state FAILED to JobManager for task Sink: ledger-writer (3/8)#0 ${ip}.`),
      '',
    ].join('\n');
  return {
    a: tm('1.17.2', 'ledger-1.db.acme-corp.com', '10.0.1.11', '7f3e2a1b0c9d8e7f6a5b4c3d2e1f0a9b_cbc357ccb763df2852fee8c4fc7d55f2_2_0', 'java.base/', 'ledger-job-2.3.jar:?'),
    b: tm('1.15.4', 'ledger-2.db.acme-corp.com', '10.0.2.22', '1a2b3c4d5e6f708192a3b4c5d6e7f809_cbc357ccb763df2852fee8c4fc7d55f2_2_1', '', 'ledger-job-2.4.jar:?'),
  };
}

/** Writes files into a fresh temporary directory; returns its path. */
export function writeDir(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}
