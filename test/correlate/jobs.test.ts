// Several jobs in one input: what belongs to a job (failed checkpoints, the last completed one,
// restarts, RocksDB directories, tasks, hosts) is reported per job, in every format, and the JSON
// adds a per-job summary of the checkpoint timeline next to the flat list.

import { describe, expect, it } from 'vitest';
import { cli, jsonReport } from '../helpers.js';

const SEED = 'samples/rocksdb/rocksdb-hardlink-unsupported';
const ORDERS = `${SEED}/positive-1.17-azure-files`;
const PAYMENTS = `${SEED}/positive-1.17-session-second-job`;
const ORDERS_JOB = '4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a';
const PAYMENTS_JOB = '7e5d3c1b9a8f7e6d5c4b3a2918f7e6d5';

describe('two jobs of one session cluster with the same failure', () => {
  it('each job alone gives its own checkpoints, last completed checkpoint, restarts and directory', async () => {
    const alone = (await jsonReport([PAYMENTS])).report.findings[0];
    expect(alone.byJob).toEqual([
      expect.objectContaining({ job: PAYMENTS_JOB, name: 'payments-dedup', checkpoints: [4, 5, 6], lastCompleted: { id: 3, at: '2024-03-11T09:15:05.400' }, restarts: 3, failed: false, tasks: ['Dedup (2/2)'], directories: ['/mnt/checkpoints/payments'] }),
    ]);
    expect(alone.impact.join('\n')).toMatch(/Failed checkpoints: 4–6 \(3\)/);
  });

  it('together: one breakdown per job in JSON, nothing mixed', async () => {
    const { report } = await jsonReport([ORDERS, PAYMENTS]);
    expect(report.findings.map((f: any) => f.id)).toEqual(['rocksdb-hardlink-unsupported']);
    const f = report.findings[0];
    const byJob = Object.fromEntries(f.byJob.map((j: any) => [j.job, j]));
    expect(byJob[ORDERS_JOB]).toMatchObject({ name: 'orders-enrichment', checkpoints: [7, 8], lastCompleted: { id: 6 }, restarts: 2, tasks: ['KeyedProcess (1/2)'], directories: ['/mnt/checkpoints/job'] });
    expect(byJob[PAYMENTS_JOB]).toMatchObject({ name: 'payments-dedup', checkpoints: [4, 5, 6], lastCompleted: { id: 3 }, restarts: 3, tasks: ['Dedup (2/2)'], directories: ['/mnt/checkpoints/payments'] });
    expect(f.summary).toContain('checkpoints 4–6 of job payments-dedup and checkpoints 7–8 of job orders-enrichment');
    const impact = f.impact.join('\n');
    expect(impact).not.toMatch(/Failed checkpoints: 4–8|restarted 5 times|checkpoint before the failures: 1 /);
    expect(impact).toMatch(/Job payments-dedup \(7e5d3c1b9a8f7e6d5c4b3a2918f7e6d5\): failed checkpoints 4–6 \(3\).*last completed checkpoint before the failures: 3 .*restarted 3 times.*RocksDB directory \/mnt\/checkpoints\/payments\./);
    expect(impact).toMatch(/Job orders-enrichment \(4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a\): failed checkpoints 7–8 \(2\).*last completed checkpoint before the failures: 6 .*restarted 2 times.*RocksDB directory \/mnt\/checkpoints\/job\./);
    // The flat timeline stays; the per-job summary is added.
    expect(report.checkpoints.filter((c: any) => c.job === PAYMENTS_JOB).map((c: any) => c.id)).toEqual([1, 2, 3, 4, 5, 6]);
    const jobs = Object.fromEntries(report.jobs.map((j: any) => [j.job, j]));
    expect(jobs[PAYMENTS_JOB]).toMatchObject({ name: 'payments-dedup', failedCheckpoints: [4, 5, 6], lastCompleted: { id: 3 }, restarts: 3, state: 'RUNNING', checkpoints: { completed: 3, aborted: 3 } });
    expect(jobs[ORDERS_JOB]).toMatchObject({ name: 'orders-enrichment', failedCheckpoints: [7, 8], lastCompleted: { id: 6 }, restarts: 2 });
  });

  for (const format of ['text', 'markdown', 'html']) {
    it(`reports each job apart in ${format}`, async () => {
      const { stdout } = await cli([ORDERS, PAYMENTS, '--format', format, '--no-color']);
      expect(stdout).toContain('Job payments-dedup (7e5d3c1b9a8f7e6d5c4b3a2918f7e6d5): failed checkpoints 4–6 (3)');
      expect(stdout).toContain('Job orders-enrichment (4b1d2f6c8a9e0d3b5c7f1a2e4d6b8c0a): failed checkpoints 7–8 (2)');
      expect(stdout).not.toContain('Failed checkpoints: 4–8');
    });
  }
});
