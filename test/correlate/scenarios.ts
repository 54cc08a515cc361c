// Log lines of small Flink incidents for the correlator's tests: TaskManager and JobManager logs
// in Flink 1.17's layout, written into a temporary directory.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers.js';

const LOGGERS = {
  runner: 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner',
  entry: 'org.apache.flink.runtime.entrypoint.ClusterEntrypoint',
  graph: 'org.apache.flink.runtime.executiongraph.ExecutionGraph',
  master: 'org.apache.flink.runtime.jobmaster.JobMaster',
  coord: 'org.apache.flink.runtime.checkpoint.CheckpointCoordinator',
  failures: 'org.apache.flink.runtime.checkpoint.CheckpointFailureManager',
  netty: 'org.apache.flink.runtime.io.network.netty.NettyServer',
  task: 'org.apache.flink.runtime.taskmanager.Task',
  config: 'org.apache.flink.configuration.GlobalConfiguration',
  zk: 'org.apache.flink.shaded.zookeeper3.org.apache.zookeeper.ClientCnxn',
} as const;

/** `2024-05-02 10:05:00,000` for seconds after 10:00:00. */
export function at(seconds: number): string {
  const ms = Date.UTC(2024, 4, 2, 10, 0, 0) + Math.round(seconds * 1000);
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '').replace('.', ',');
}

export function line(seconds: number, level: string, logger: keyof typeof LOGGERS, msg: string): string {
  return `${at(seconds)} ${level.padEnd(5)} ${LOGGERS[logger].padEnd(60)} [] - ${msg}`;
}

/** A TaskManager log's first lines: banner and resource id. */
export function tmStart(rid: string): string[] {
  return [line(0, 'INFO', 'runner', ' Starting TaskManager (Version: 1.17.2, Scala: 2.12, Rev:c0027e5, Date:2023-11-09T13:24:13+01:00)'), line(0.1, 'INFO', 'runner', `Starting TaskManager with ResourceID: ${rid}`)];
}

export function jmStart(): string[] {
  return [line(-10, 'INFO', 'entry', ' Starting StandaloneSessionClusterEntrypoint (Version: 1.17.2, Scala: 2.12, Rev:c0027e5, Date:2023-11-09T13:24:13+01:00)')];
}

export function heapOom(t: number): string[] {
  return [line(t, 'ERROR', 'runner', 'Fatal error occurred while executing the TaskManager. Shutting it down...'), 'java.lang.OutOfMemoryError: Java heap space', '\tat java.util.Arrays.copyOf(Arrays.java:3236)'];
}

export function metaspaceOom(t: number): string[] {
  return [line(t, 'ERROR', 'runner', 'Fatal error occurred while executing the TaskManager. Shutting it down...'), 'java.lang.OutOfMemoryError: Metaspace. The metaspace out-of-memory error has occurred. This can mean two things: either the job requires a larger size of JVM metaspace to load classes or there is a class loading leak.', '\tat java.lang.ClassLoader.defineClass1(Native Method)'];
}

export function openFiles(t: number): string[] {
  return [line(t, 'WARN', 'netty', 'Failed to accept connection'), 'java.io.IOException: Too many open files', '\tat sun.nio.ch.ServerSocketChannelImpl.accept0(Native Method)'];
}

export function jobState(t: number, name: string, job: string, from: string, to: string): string {
  return line(t, 'INFO', 'graph', `Job ${name} (${job}) switched from state ${from} to ${to}.`);
}

/** The JobMaster's heartbeat timeout of a TaskManager, and the task on it failing. */
export function heartbeat(t: number, rid: string, host: string, task: string, attempt: string): string[] {
  return [
    line(t, 'INFO', 'master', `Heartbeat of TaskManager with id ${rid} timed out.`),
    line(t + 0.01, 'INFO', 'graph', `${task} (${attempt}) switched from RUNNING to FAILED on ${rid} @ ${host} (dataPort=40001).`),
    `java.util.concurrent.TimeoutException: Heartbeat of TaskManager with id ${rid} timed out.`,
    '\tat org.apache.flink.runtime.jobmaster.JobMaster$TaskManagerHeartbeatListener.notifyHeartbeatTimeout(JobMaster.java:1415) ~[flink-dist-1.17.2.jar:1.17.2]',
  ];
}

export function checkpointCompleted(t: number, id: number, job: string, durationMs = 400): string[] {
  return [
    line(t - durationMs / 1000, 'INFO', 'coord', `Triggering checkpoint ${id} (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ 1714644270000 for job ${job}.`),
    line(t, 'INFO', 'coord', `Completed checkpoint ${id} for job ${job} (1024 bytes, checkpointDuration=${durationMs} ms, finalizationTime=1 ms).`),
  ];
}

export function checkpointTriggered(t: number, id: number, job: string): string {
  return line(t, 'INFO', 'coord', `Triggering checkpoint ${id} (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ 1714644270000 for job ${job}.`);
}

export function checkpointAborted(t: number, id: number, job: string): string[] {
  return [line(t, 'WARN', 'failures', `Failed to trigger or complete checkpoint ${id} for job ${job}. (0 consecutive failed attempts so far)`), 'org.apache.flink.runtime.checkpoint.CheckpointException: FailoverRegion is restarting.'];
}

export function checkpointExpired(t: number, id: number, job: string): string {
  return line(t, 'INFO', 'coord', `Checkpoint ${id} of job ${job} expired before completing.`);
}

export function config(t: number, key: string, value: string): string {
  return line(t, 'INFO', 'config', `Loading configuration property: ${key}, ${value}`);
}

/** Writes files (name → lines) into a fresh directory; returns its path. */
export function logs(files: Record<string, string[]>): string {
  const dir = tempDir();
  for (const [name, lines] of Object.entries(files)) writeFileSync(join(dir, name), lines.join('\n') + '\n');
  return dir;
}
