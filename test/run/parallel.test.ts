// Scanning on worker threads — files spread over workers, a plain file split into byte ranges —
// gives exactly the diagnosis of the in-process scan: same findings, evidence lines, checkpoints,
// unknown groups, line and byte counts. Runs against the build (workers need compiled scripts).

import { existsSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers.js';
import { BASE_MEMORY, LANE_MEMORY } from '../../src/run/plan.js';

const built = existsSync('dist/diagnose.js') && existsSync('dist/run/worker.bundle.js');

function comparable(d: any): unknown {
  return {
    findings: d.findings.map((f: any) => ({ ...f })),
    unknown: d.unknown.map((g: any) => ({ fingerprint: g.fingerprint, count: g.count, firstSeen: g.firstSeen, lastSeen: g.lastSeen, sample: g.sample.line })),
    inputs: d.inputs.map((i: any) => ({ name: i.name, role: i.role, bytes: i.bytes, lines: i.lines, flinkVersion: i.flinkVersion })),
    checkpoints: d.checkpoints,
    jobTransitions: d.jobTransitions,
    config: d.config,
    lines: d.stats.lines,
    bytes: d.stats.bytes,
  };
}

describe.skipIf(!built)('parallel scan', () => {
  it('splits a large plain file into byte ranges and gets the same result', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    const tm = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', 'utf8');
    const jm = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files/flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log', 'utf8');
    // A log with stack traces straddling many possible split points.
    const noise = (i: number): string => `2024-03-11 09:${String(10 + (i % 40)).padStart(2, '0')}:00,000 ${i % 17 === 0 ? 'WARN ' : 'INFO '} org.example.Job [] - record ${i}\n${i % 29 === 0 ? `java.lang.IllegalStateException: odd state ${i}\n\tat org.example.Job.run(Job.java:${i})\n\tat java.lang.Thread.run(Thread.java:750)\n` : ''}`;
    let body = '';
    for (let i = 0; i < 3000; i++) body += noise(i) + (i === 1500 ? tm : '') + (i === 2500 ? jm : '');
    const file = join(dir, 'mixed.log');
    writeFileSync(file, body);
    const serial = await diagnosePaths([file], { workers: 0 });
    for (const splitMinBytes of [1, 1000]) {
      const par = await diagnosePaths([file], { workers: 2, tuning: { parallelMinBytes: 0, splitMinBytes } });
      expect(comparable(par)).toEqual(comparable(serial));
      expect(par.stats.threads).toBe(2);
    }
    expect(serial.stats.threads).toBe(1);
    expect(serial.findings.map((f: any) => f.id)).toContain('rocksdb-hardlink-unsupported');
  }, 60_000);

  it("with workers 'auto', scans an input under 1 GiB on the calling thread alone", async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const d = await diagnosePaths(['samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files'], { workers: 'auto' });
    expect(d.stats.threads).toBe(1);
    expect(d.findings.map((f: any) => f.id)).toContain('rocksdb-hardlink-unsupported');
  });

  it('spreads the files of a directory over workers and gets the same result', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    mkdirSync(join(dir, 'logs'));
    for (const d of ['positive-1.17-azure-files']) {
      const src = `samples/rocksdb/rocksdb-hardlink-unsupported/${d}`;
      for (const f of ['flink-conf.yaml', 'flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log', 'flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log']) writeFileSync(join(dir, 'logs', f), readFileSync(join(src, f)));
    }
    writeFileSync(join(dir, 'logs', 'other.log'), readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.9-decline-log4j1.log'));
    const serial = await diagnosePaths([join(dir, 'logs')], { workers: 0 });
    const par = await diagnosePaths([join(dir, 'logs')], { workers: 2, tuning: { parallelMinBytes: 0 } });
    expect(comparable(par)).toEqual(comparable(serial));
    expect([serial.stats.threads, par.stats.threads]).toEqual([1, 2]);
  }, 60_000);
});

describe.skipIf(!built)('shared task queue', () => {
  it('lanes take the largest tasks first, then, while a result waits for its merge, in merge order', async () => {
    const { runPool } = await import('../../dist/run/pool.js' as string);
    const taken: number[] = [];
    const delivered: number[] = [];
    const tasks = [5, 900, 1, 40, 900, 7].map((n, i) => ({ name: `f${i}`, path: `/nonexistent/${n}`, range: null }));
    const sizes = [5, 900, 1, 40, 900, 7];
    const run = await runPool(tasks, {} as never, {
      lanes: 1,
      deliver: (t: number) => delivered.push(t),
      local: async (_task: unknown, id: number) => {
        taken.push(id);
        return { id, state: {} as never, stopped: false };
      },
      sizes,
    });
    expect(run).toEqual({ lanes: 1, stoppedForMemory: 0 });
    // One lane, a window of one waiting result: 1 (the largest) waits for 0, which is taken next;
    // then 4 (the largest left) waits for 2 and 3; then 5, the only one left.
    expect(taken).toEqual([1, 0, 4, 2, 3, 5]);
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('the shared queue gives its order until the window of waiting results is full, then the first task the merge waits for', async () => {
    const { taskQueue, takeTask, finishTask, noteMerged } = await import('../../dist/run/protocol.js' as string);
    // Five tasks, largest first 4, 3, 0, 1, 2; two results may wait.
    const q = new Int32Array(taskQueue([4, 3, 0, 1, 2], 2));
    expect(takeTask(q)).toBe(4);
    expect(takeTask(q)).toBe(3);
    finishTask(q);
    // One result (4's or 3's) waits: below the window, the queue's order goes on.
    expect(takeTask(q)).toBe(0);
    finishTask(q);
    // Two wait for task 0's merge: the first task in merge order not taken, 1.
    expect(takeTask(q)).toBe(1);
    finishTask(q);
    noteMerged(q, 2);
    // 0 and 1 merged, 3 and 4 done and waiting for 2: in merge order still.
    finishTask(q);
    expect(takeTask(q)).toBe(2);
    expect(takeTask(q)).toBe(-1);
    // With nothing waiting, the order resumes where it was, skipping what was taken meanwhile.
    const r = new Int32Array(taskQueue([2, 0, 1], 1));
    expect(takeTask(r)).toBe(2);
    finishTask(r);
    expect(takeTask(r)).toBe(0);
    finishTask(r);
    noteMerged(r, 3);
    expect(takeTask(r)).toBe(1);
    expect(takeTask(r)).toBe(-1);
  });

  it('a worker takes its next task from the queue itself while the calling thread is busy', async () => {
    const { runPool } = await import('../../dist/run/pool.js' as string);
    const dir = tempDir();
    const sample = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.9-decline-log4j1.log');
    const tasks = Array.from({ length: 7 }, (_, i) => {
      const path = join(dir, `f${i}.log`);
      writeFileSync(path, sample);
      return { name: `f${i}.log`, path, range: null };
    });
    // The calling thread takes the first task of the queue, the largest, 0, and holds its thread
    // for a while, its event loop included; the worker must go through the other six meanwhile,
    // without being handed them (in merge order, once their results wait for task 0's).
    const sizes = [100, 1, 1, 1, 1, 1, 1];
    const local: number[] = [];
    const delivered: number[] = [];
    const run = await runPool(tasks, { role: 'lane', patternDirs: [], detector: { since: null, until: null, fullScan: false } }, {
      lanes: 2,
      deliver: (t: number, reply: any) => {
        expect(reply.id).toBe(t);
        expect(reply.stopped).toBe(false);
        delivered.push(t);
      },
      local: async (_task: unknown, id: number) => {
        local.push(id);
        // The thread held for 3 s (a worker starts and reads six small files in a tenth of that):
        // a worker that waited to be handed its next task would have read one.
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
        return { id, state: {}, stopped: false };
      },
      sizes,
    });
    expect(run.lanes).toBe(2);
    expect(local).toEqual([0]);
    expect(delivered).toEqual([0, 1, 2, 3, 4, 5, 6]);
  }, 60_000);

  it('past the memory budget, worker lanes stop after their task and the others scan what is left', async () => {
    const { runPool } = await import('../../dist/run/pool.js' as string);
    const dir = tempDir();
    // Files of some MiB: a worker scans one in tens of milliseconds, long enough to be told to leave.
    const sample = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.9-decline-log4j1.log', 'utf8');
    const big = sample.repeat(Math.ceil((4 << 20) / sample.length));
    const tasks = Array.from({ length: 16 }, (_, i) => {
      const path = join(dir, `f${i}.log`);
      writeFileSync(path, big);
      return { name: `f${i}.log`, path, range: null };
    });
    const setup = { role: 'lane', patternDirs: [], detector: { since: null, until: null, fullScan: false } };
    const local: number[] = [];
    const delivered: number[] = [];
    let looks = 0;
    const run = await runPool(tasks, setup, {
      lanes: 3,
      deliver: (t: number) => delivered.push(t),
      local: async (_task: unknown, id: number) => {
        local.push(id);
        // Slower than a worker's task, so that the workers, once started, take most of them.
        await new Promise((r) => setTimeout(r, 200));
        return { id, state: {}, stopped: false };
      },
      // Always over the budget.
      maxMemory: 1 << 30,
      rss: () => {
        looks++;
        return 2 ** 31;
      },
    });
    expect(delivered).toEqual(tasks.map((_, i) => i));
    // Both workers left, one after the other; the calling thread's lane scanned what they left.
    expect(run).toEqual({ lanes: 3, stoppedForMemory: 2 });
    expect(looks).toBeGreaterThan(1);
    expect(local[0]).toBe(0);
    expect(local.at(-1)).toBe(15);
    expect(local.length).toBeLessThan(16);
  }, 60_000);

  it('past the memory budget, a scan on lanes still gives the diagnosis of one thread', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    const src = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files';
    for (const f of readdirSync(src)) writeFileSync(join(dir, f), readFileSync(join(src, f)));
    const extra = readFileSync('samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.9-decline-log4j1.log', 'utf8');
    for (let k = 0; k < 24; k++) writeFileSync(join(dir, `tm-extra-${k}.log`), extra.repeat(200));
    const serial = await diagnosePaths([dir], { workers: 1 });
    // A budget that holds two lanes by the plan's prices (BASE_MEMORY + LANE_MEMORY) and that the
    // process is over (64 MiB of ballast, written so that it is resident): the worker lane is told
    // to leave after its first task, if it gets one before the calling thread's lane took them all.
    const budget = Math.max(BASE_MEMORY + LANE_MEMORY, process.memoryUsage.rss());
    const ballast = Buffer.alloc(64 << 20, 1);
    expect(process.memoryUsage.rss()).toBeGreaterThan(budget);
    const par = await diagnosePaths([dir], { workers: 2, maxMemory: budget, tuning: { parallelMinBytes: 0 } });
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(comparable(par)).toEqual(comparable(serial));
    expect(par.stats.threads).toBe(2);
    expect([undefined, 1]).toContain(par.stats.lanesStopped);
    expect(serial.stats.lanesStopped).toBeUndefined();
  }, 60_000);

  it('a directory of files of very different sizes gives the diagnosis of one thread', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    const logs = join(dir, 'logs');
    mkdirSync(logs);
    const src = 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files';
    const tm = readFileSync(join(src, 'flink-kubernetes-taskmanager-0-orders-taskmanager-1-1.log'), 'utf8');
    const noise = (i: number): string => `2024-03-11 09:${String(10 + (i % 40)).padStart(2, '0')}:00,000 ${i % 13 === 0 ? 'WARN ' : 'INFO '} org.example.Job [] - record ${i}\n${i % 31 === 0 ? `java.lang.IllegalStateException: odd state ${i}\n\tat org.example.Job.run(Job.java:${i})\n` : ''}`;
    // One large file (split into ranges) last in name order, a medium one, many small ones.
    let large = '';
    for (let i = 0; i < 20_000; i++) large += noise(i) + (i === 12_000 ? tm : '');
    writeFileSync(join(logs, 'z-large-taskmanager.log'), large);
    let medium = '';
    for (let i = 0; i < 2_000; i++) medium += noise(i * 7);
    writeFileSync(join(logs, 'm-medium.log'), medium);
    for (let k = 0; k < 9; k++) writeFileSync(join(logs, `a-small-${k}.log`), noise(k) + noise(k + 31));
    writeFileSync(join(logs, 'flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log'), readFileSync(join(src, 'flink-kubernetes-session-0-orders-jobmanager-7d9f8-x2k4q.log')));
    const serial = await diagnosePaths([logs], { workers: 1 });
    const par = await diagnosePaths([logs], { workers: 2, tuning: { parallelMinBytes: 0, splitMinBytes: 256 << 10 } });
    expect(comparable(par)).toEqual(comparable(serial));
    expect([serial.stats.threads, par.stats.threads]).toEqual([1, 2]);
    expect(serial.findings.map((f: any) => f.id)).toContain('rocksdb-hardlink-unsupported');
    expect(serial.inputs.length).toBe(12);
  }, 60_000);
});

describe.skipIf(!built || !existsSync('/proc/self/fd'))('stopping a scan', () => {
  it('closes every file it opened, in-process and on lanes', async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    const line = '2024-03-11 09:00:00,000 INFO  org.example.Job [] - nothing to see here\n';
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `tm-${i}.log`), line.repeat(40_000));
    writeFileSync(join(dir, 'archive.log.gz'), (await import('node:zlib')).gzipSync(line.repeat(40_000)));
    const openFds = (): number => readdirSync('/proc/self/fd').length;
    const before = openFds();
    for (const workers of [0, 2]) {
      for (const delay of [0, 5]) {
        const c = new AbortController();
        if (delay === 0) c.abort();
        else setTimeout(() => c.abort(), delay);
        const d = await diagnosePaths([dir], { workers, signal: c.signal, tuning: { parallelMinBytes: 0 } });
        expect(d.interrupted).toBe(true);
      }
    }
    // Files are closed as the stopped readers unwind, a moment after the diagnosis returns (a read
    // in flight ends first: on a loaded machine, a while).
    for (let i = 0; i < 250 && openFds() > before; i++) await new Promise((r) => setTimeout(r, 20));
    const target = (fd: string): string => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '?';
      }
    };
    const open = (): string => readdirSync('/proc/self/fd').map(target).join(' ');
    expect(openFds(), open()).toBe(before);
  });
});

describe('patterns for some Flink versions', () => {
  it("judge a line by its source's version, also when the version banner comes later in the log or in another lane's byte range", async () => {
    const { diagnosePaths } = await import('../../dist/diagnose.js' as string);
    const dir = tempDir();
    mkdirSync(join(dir, 'patterns'));
    writeFileSync(
      join(dir, 'patterns', 'old-only.yaml'),
      [
        'id: old-only',
        'title: A failure of old Flink versions',
        'severity: error',
        'area: cluster',
        "flink: '<1.11'",
        'literals: ["widget frobnication failed"]',
        'match:',
        "  message: 'widget frobnication failed'",
        'summary: A widget could not be frobnicated.',
        'cause: Widgets of old versions.',
        'remediation: Upgrade.',
        'verify: The line is gone.',
        'references: [https://flink.apache.org]',
      ].join('\n'),
    );
    const failure = '2024-03-11 09:00:00,000 ERROR org.example.Widgets [] - widget frobnication failed\n';
    const banner = (v: string): string => `2024-03-11 09:00:01,000 INFO  org.apache.flink.runtime.taskexecutor.TaskManagerRunner [] -  Starting TaskManager (Version: ${v}, Scala: 2.12, Rev:abc, Date:2023-05-01T00:00:00+02:00)\n`;
    const noise = '2024-03-11 09:00:02,000 INFO  org.example.Job [] - nothing to see here\n'.repeat(20_000);
    for (const [version, expected] of [['1.17.1', false], ['1.10.3', true]] as const) {
      const file = join(dir, `tm-${version}.log`);
      writeFileSync(file, failure + noise + banner(version) + noise);
      const ids = async (opts: object): Promise<boolean> => (await diagnosePaths([file], { patternDirs: [join(dir, 'patterns')], ...opts })).findings.some((f: any) => f.id === 'old-only');
      expect(await ids({ workers: 0 })).toBe(expected);
      expect(await ids({ workers: 2, tuning: { parallelMinBytes: 0, splitMinBytes: 1 } })).toBe(expected);
    }
  }, 60_000);
});
