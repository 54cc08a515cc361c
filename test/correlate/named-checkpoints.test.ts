// A finding's impact lists the checkpoints its lines name as failed ones, unless they did not fail:
// the JobManager log records them as completed, or the pattern's lines are logged once a checkpoint
// completed (namedCheckpoints: completed, e.g. a Kafka source's failed offset commit).

import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonReport } from '../helpers.js';

const JOB = '4d6b8c0a4b1d2f6c8a9e0d3b5c7f1a2e';
const jm = (ids: number[]): string =>
  ids.map((id, i) => `2024-06-03 10:0${i}:00,100 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Completed checkpoint ${id} for job ${JOB} (48213 bytes, checkpointDuration=312 ms, finalizationTime=2 ms).\n`).join('');
const commit = (id: number, minute: number): string =>
  `2024-06-03 10:0${minute}:00,400 WARN  org.apache.flink.connector.kafka.source.reader.KafkaSourceReader [] - Failed to commit consumer offsets for checkpoint ${id}\n` +
  'org.apache.kafka.clients.consumer.CommitFailedException: Commit cannot be completed since the group has already rebalanced and assigned the partitions to another member.\n' +
  '\tat org.apache.kafka.clients.consumer.internals.ConsumerCoordinator.sendOffsetCommitRequest(ConsumerCoordinator.java:1279)\n';
// A user pattern that names a checkpoint in a line that does not say whether it failed.
const SLOW = `id: slow-snapshot-note
title: A note about a slow snapshot
severity: warning
area: custom
literals: ['Slow snapshot of checkpoint']
match:
  message: 'Slow snapshot of checkpoint (?<checkpoint>\\d+)'
summary: A snapshot was slow.
cause: A test pattern.
remediation: Nothing.
verify: Nothing.
references: [https://nightlies.apache.org/flink/flink-docs-stable/docs/ops/monitoring/checkpoint_monitoring/]
`;
const slow = (id: number, minute: number): string =>
  `2024-06-03 10:0${minute}:00,500 WARN  com.example.SnapshotWatch                                  [] - Slow snapshot of checkpoint ${id} of job ${JOB}\n`;

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'fd-named-cp-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(d, name, '..'), { recursive: true });
    writeFileSync(join(d, name), text);
  }
  return d;
}

describe('checkpoints a finding names', () => {
  it('a pattern whose lines follow a completed checkpoint lists them as completed, with no JobManager log', async () => {
    const d = dir({ 'taskmanager.log': commit(41, 1) + commit(42, 2) });
    const f = (await jsonReport([d])).report.findings.find((x: any) => x.id === 'kafka-offset-commit-failed');
    expect(f.impact.join('\n')).toContain('Checkpoints named that completed: 41–42.');
    expect(f.impact.join('\n')).not.toMatch(/Failed checkpoint/);
  });

  it('a pattern whose checkpoints were dropped for a newer one lists them as such, and the timeline does not count them as failed', async () => {
    const d = dir({
      'jobmanager.log':
        `2024-06-03 10:05:00,100 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Decline checkpoint 12 by task 3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b_cbc357ccb763df2852fee8c4fc7d55f2_0_0 of job ${JOB} at 10.0.0.5:40001-a1b2c3 @ 10.0.0.5 (dataPort=40002).\n` +
        'org.apache.flink.runtime.checkpoint.CheckpointException: Checkpoint was canceled because a barrier from newer checkpoint was received.\n' +
        '\tat org.apache.flink.streaming.runtime.io.checkpointing.SingleCheckpointBarrierHandler.cancelSubsumedCheckpoint(SingleCheckpointBarrierHandler.java:311)\n' +
        jm([13]).replace('10:00:00', '10:06:00'),
    });
    const { report } = await jsonReport([d]);
    const f = report.findings.find((x: any) => x.id === 'checkpoint-subsumed');
    expect(f.impact.join('\n')).toContain('Checkpoint dropped for a newer one: 12.');
    expect(f.impact.join('\n')).not.toMatch(/Failed checkpoint/);
    expect(report.checkpoints.find((c: any) => c.id === 12)?.state).toBe('aborted');
  });

  it('a checkpoint the JobManager recorded as completed is not listed as failed; the others are', async () => {
    const p = dir({ 'patterns/custom/slow-snapshot-note.yaml': SLOW });
    const d = dir({ 'jobmanager.log': jm([7, 8]), 'taskmanager.log': slow(7, 3) + slow(9, 4) });
    const { report } = await jsonReport([d, '-p', join(p, 'patterns')]);
    const f = report.findings.find((x: any) => x.id === 'slow-snapshot-note');
    const impact = f.impact.join('\n');
    expect(impact).toContain('Failed checkpoint: 9');
    expect(impact).toContain('Checkpoint named that completed: 7.');
    expect(impact).not.toMatch(/Failed checkpoints: 7/);
  });
});
