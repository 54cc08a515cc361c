// --follow: like tail -F — data appended later, a rotated file and a new file in a followed
// directory are all read, and each finding is printed as soon as its record is complete.

import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.js';

const TM = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', 'utf8');
const OOM = '2024-03-11 10:00:00,000 ERROR org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] - Fatal error occurred in TaskExecutor.\njava.lang.OutOfMemoryError: Java heap space\n\tat java.util.Arrays.copyOf(Arrays.java:3236)\n';
const LINE = (n: number): string => `2024-03-11 10:00:${String(n).padStart(2, '0')},000 INFO  org.example.Job [] - tick ${n}\n`;

function waitFor(get: () => string, re: RegExp, ms = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = (): void => {
      if (re.test(get())) resolve();
      else if (Date.now() - t0 > ms) reject(new Error(`timed out waiting for ${re}; got:\n${get()}`));
      else setTimeout(tick, 50);
    };
    tick();
  });
}

describe.skipIf(!existsSync('dist/cli/main.js'))('--follow', () => {
  it('prints findings from appended data, rotated files and new files, as JSON lines', async () => {
    const dir = tempDir();
    const log = join(dir, 'taskmanager.log');
    writeFileSync(log, LINE(1));
    const child = spawn(process.execPath, ['bin/flink-doctor.js', '--follow', '--follow-interval', '100', '--format', 'json', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    try {
      await new Promise((r) => setTimeout(r, 500));
      expect(out).toBe('');
      // Half a failure, then the rest: the finding comes once the record is complete.
      const cut = TM.indexOf('Caused by: org.rocksdb');
      appendFileSync(log, TM.slice(0, cut));
      await new Promise((r) => setTimeout(r, 400));
      appendFileSync(log, TM.slice(cut) + LINE(2));
      await waitFor(() => out, /"type":"finding".*"id":"rocksdb-hardlink-unsupported"/);
      // Rotation: the old file moves away, a new one starts with another failure.
      renameSync(log, `${log}.1`);
      writeFileSync(log, OOM + LINE(3));
      await waitFor(() => out, /"id":"heap-oom"/);
      // A new file in the followed directory.
      writeFileSync(join(dir, 'jobmanager.log'), LINE(4));
    } finally {
      child.kill('SIGINT');
    }
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(1);
    const events = out.trim().split('\n').map((l) => JSON.parse(l));
    const ids = events.filter((e) => e.type === 'finding').map((e) => e.finding.id);
    expect(ids).toEqual(expect.arrayContaining(['heap-oom', 'rocksdb-hardlink-unsupported']));
    // Each finding is announced once; later evidence only updates it.
    expect(new Set(ids).size).toBe(ids.length);
    const hardlink = events.find((e) => e.finding.id === 'rocksdb-hardlink-unsupported').finding;
    expect(hardlink.evidence[0]).toMatchObject({ source: log, line: 20 });
  }, 40_000);
});
