// A consequence without a root cause that resolved itself (a later checkpoint of the same job was
// triggered, so all its tasks were running) is informational; one that did not stays a warning.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaths } from '../../src/diagnose.js';
import { loadPatterns } from '../../src/detect/pattern.js';
import { tempDir } from '../helpers.js';

const JOB = '0d4c0976b7b6257ad0ae60c511609bff';
const SKIPPED = `2026-12-04 15:34:55,583 INFO  org.apache.flink.runtime.checkpoint.CheckpointFailureManager [] - Failed to trigger checkpoint for job ${JOB} since Checkpoint triggering task Source: numbers -> throttle (1/2) of job ${JOB} is not being executed at the moment. Aborting checkpoint. Failure reason: Not all required tasks are currently running..`;
const TRIGGERED = `2026-12-04 15:34:57,700 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Triggering checkpoint 1 (type=CheckpointType{name='Checkpoint', sharingFilesStrategy=FORWARD_BACKWARD}) @ 1796398497700 for job ${JOB}.`;
const COMPLETED = (job: string) => `2026-12-04 15:34:58,875 INFO  org.apache.flink.runtime.checkpoint.CheckpointCoordinator    [] - Completed checkpoint 1 for job ${job} (63157 bytes, checkpointDuration=1138 ms, finalizationTime=7 ms).`;
const patterns = loadPatterns();

async function severityOf(lines: string[]): Promise<string | undefined> {
  const file = join(tempDir(), 'flink-root-standalonesession-0-host.log');
  writeFileSync(file, lines.join('\n') + '\n');
  const d = await diagnosePaths([file], { patterns, ignore: [] });
  return d.findings.find((f) => f.id === 'checkpoint-declined-task-not-running')?.severity;
}

describe('checkpoints skipped while tasks start', () => {
  it('are informational when a checkpoint of the job completed afterwards', async () => {
    expect(await severityOf([SKIPPED, TRIGGERED, COMPLETED(JOB)])).toBe('info');
  });
  it('are informational when a checkpoint of the job was triggered afterwards, even if it failed', async () => {
    expect(await severityOf([SKIPPED, TRIGGERED])).toBe('info');
  });
  it('stay a warning when no checkpoint completed afterwards', async () => {
    expect(await severityOf([SKIPPED])).toBe('warning');
  });
  it('stay a warning when only another job completed a checkpoint', async () => {
    expect(await severityOf([SKIPPED, COMPLETED('1111111111111111aaaaaaaaaaaaaaaa')])).toBe('warning');
  });
});
