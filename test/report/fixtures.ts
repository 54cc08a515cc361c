// Test material for the report tests: a log directory made of the shipped Kubernetes sample plus a
// generated standalone JobManager log full of values that must never leave the machine with
// --redact (keys in URIs, passwords, e-mails, home directories, hosts, pods, nodes, IPs).

import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

export const SAMPLE = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files';
export const JOB = 'c0ffee00c0ffee00c0ffee00c0ffee00';
export const SAMPLE_JOB = '4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a';

/** Sensitive values written into the generated log (and the sample's pod names and IP). */
export const SENSITIVE = {
  hosts: ['jm01.prod.acme-corp.com', 'kafka-1.prod.acme-corp.com', 'db01.corp.acme-internal.net', 'acme-corp.com', 'acme-internal'],
  pods: ['orders-jobmanager-7d9f8-x2k4q', 'orders-taskmanager-1-1', 'ingest-taskmanager-3-7', 'aks-nodepool1-12345678-vmss000004'],
  ips: ['10.42.1.17', '10.20.30.40', '2001:db8:ac:e::17'],
  users: ['jdoe', 'etl_admin'],
  buckets: ['acme-raw-events'],
  accounts: ['acmeprodstore'],
  emails: ['ops.lead@acme-corp.com'],
  secrets: ['AKIAQWERTYUIOPASDFGH', 'Zx9+Secret/Key0123456789abcdefGHIJKL', 'Hunter2Secret', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'QWJjRGVmR2hJamtMbW5PcFFyU3R1Vnd4WXoxMjM0NTY3ODkwYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXo9PQ=='],
};

/** Every sensitive value as one list. */
export const ALL_SENSITIVE = Object.values(SENSITIVE).flat();

const NAME = `ingest kafka-1.prod.acme-corp.com:9092 to s3://acme-raw-events by ops.lead@acme-corp.com`;
const ts = (t: string): string => `2024-05-02 ${t}`;

/** A standalone JobManager log: a checkpoint that completes, one denied by S3 (keys in the URI), a restart caused by a JDBC error with a password, an expired checkpoint and a FAILED job. */
export function secretsLog(): string {
  const J = JOB;
  return [
    `${ts('10:00:00,001')} INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint        [] -  Starting StandaloneSessionClusterEntrypoint (Version: 1.18.1, Scala: 2.12, Rev:a8c8b1c, Date:2024-01-11T13:24:13+01:00)`,
    `${ts('10:00:00,005')} INFO  org.apache.flink.runtime.entrypoint.ClusterEntrypoint        [] -  OS current user: jdoe`,
    `${ts('10:00:00,010')} INFO  org.apache.flink.configuration.GlobalConfiguration           [] - Loading configuration property: fs.azure.account.key.acmeprodstore.blob.core.windows.net, ${SENSITIVE.secrets[4]}`,
    `${ts('10:00:00,011')} INFO  org.apache.flink.configuration.GlobalConfiguration           [] - Loading configuration property: state.checkpoints.dir, s3a://AKIAQWERTYUIOPASDFGH:Zx9+Secret/Key0123456789abcdefGHIJKL@acme-raw-events/checkpoints`,
    `${ts('10:00:01,000')} INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Job ${NAME} (${J}) switched from state CREATED to RUNNING.`,
    `${ts('10:00:30,000')} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint 1 (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ 1714644030000 for job ${J}.`,
    `${ts('10:00:31,200')} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Completed checkpoint 1 for job ${J} (1048576 bytes, checkpointDuration=1200 ms, finalizationTime=4 ms).`,
    `${ts('10:01:00,000')} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint 2 (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ 1714644060000 for job ${J}.`,
    `${ts('10:01:02,500')} WARN  org.apache.flink.runtime.checkpoint.CheckpointFailureManager [] - Failed to trigger or complete checkpoint 2 for job ${J}. (0 consecutive failed attempts so far)`,
    `org.apache.flink.runtime.checkpoint.CheckpointException: Failure to finalize checkpoint.`,
    `\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator.finalizeCheckpoint(CheckpointCoordinator.java:1431) ~[flink-dist-1.18.1.jar:1.18.1]`,
    `Caused by: java.nio.file.AccessDeniedException: s3a://AKIAQWERTYUIOPASDFGH:Zx9+Secret/Key0123456789abcdefGHIJKL@acme-raw-events/checkpoints/${J}/chk-2/_metadata: getFileStatus on s3a://acme-raw-events/checkpoints/${J}/chk-2/_metadata: com.amazonaws.services.s3.model.AmazonS3Exception: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied; Request ID: 7Q2RB1XH5E3K0M9T), endpoint https://acme-raw-events.s3.eu-west-1.amazonaws.com from 10.20.30.40 and 2001:db8:ac:e::17`,
    `\tat org.apache.hadoop.fs.s3a.S3AUtils.translateException(S3AUtils.java:255) ~[?:?]`,
    `\tat org.apache.flink.runtime.state.filesystem.FsCheckpointMetadataOutputStream.closeAndFinalizeCheckpoint(FsCheckpointMetadataOutputStream.java:130) ~[flink-dist-1.18.1.jar:1.18.1]`,
    `\tat org.apache.flink.runtime.checkpoint.PendingCheckpoint.finalizeCheckpoint(PendingCheckpoint.java:335) ~[flink-dist-1.18.1.jar:1.18.1]`,
    `${ts('10:01:03,000')} INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Job ${NAME} (${J}) switched from state RUNNING to RESTARTING.`,
    `org.apache.flink.runtime.JobException: Recovery is suppressed by NoRestartBackoffTimeStrategy`,
    `Caused by: java.sql.SQLException: Cannot connect to jdbc:postgresql://db01.corp.acme-internal.net:5432/orders?user=etl_admin&password=Hunter2Secret using /home/jdoe/.pgpass, token=ghp_abcdefghijklmnopqrstuvwxyz0123456789 on pod ingest-taskmanager-3-7 node aks-nodepool1-12345678-vmss000004`,
    `\tat org.postgresql.Driver.connect(Driver.java:100)`,
    `${ts('10:01:30,000')} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint 3 (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ 1714644090000 for job ${J}.`,
    `${ts('10:02:30,000')} INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Checkpoint 3 of job ${J} expired before completing.`,
    `${ts('10:02:31,000')} INFO  org.apache.flink.runtime.executiongraph.ExecutionGraph       [] - Job ${NAME} (${J}) switched from state RESTARTING to FAILED.`,
    '',
  ].join('\n');
}

/** A directory with the Kubernetes sample, the generated standalone JobManager log and an empty file (a warning). */
export function secretsDir(): string {
  const dir = tempDir();
  for (const f of readdirSync(SAMPLE)) copyFileSync(join(SAMPLE, f), join(dir, f));
  mkdirSync(join(dir, 'jm01'));
  writeFileSync(join(dir, 'jm01', 'flink-jdoe-standalonesession-0-jm01.prod.acme-corp.com.log'), secretsLog());
  writeFileSync(join(dir, 'empty.log'), '');
  return dir;
}
