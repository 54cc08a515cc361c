// The correlator: consequences nest under the cause whose identities agree, chains of any depth,
// consequences without their cause, equal timestamps, several jobs in one input, and causal links
// declared by a pattern file alone.

import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { jsonReport, tempDir } from '../helpers.js';
import { loadPatterns } from '../../src/detect/pattern.js';
import { analysisNames } from '../../src/correlate/analyses/index.js';
import { checkpointAborted, checkpointCompleted, checkpointExpired, checkpointTriggered, config, heapOom, heartbeat, jmStart, jobState, line, logs, metaspaceOom, openFiles, tmStart } from './scenarios.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')));
const JOB = '9a8b7c6d5e4f30211a2b3c4d5e6f7081';
const JOB2 = '1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f';
const TM_A = '10.0.0.11:6122-a1b2c3';
const TM_B = '10.0.0.12:6122-d4e5f6';
const TM_C = '10.0.0.13:6122-0f9e8d';
const attempt = (n: number): string => `0a1b2c3d4e5f60718293a4b5c6d7e8f9_1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a_${n}_0`;

function finding(report: any, id: string): any {
  return report.findings.find((f: any) => f.id === id);
}

/** The chain as `depth:id×count` lines. */
function chainOf(f: any): string[] {
  const out: string[] = [];
  const walk = (steps: any[], d: number): void => {
    for (const s of steps) {
      out.push(`${d}:${s.id}×${s.count}`);
      walk(s.consequences, d + 1);
    }
  };
  walk(f?.chain ?? [], 0);
  return out;
}

function stepEvidence(f: any, id: string): string[] {
  const out: string[] = [];
  const walk = (steps: any[]): void => {
    for (const s of steps) {
      if (s.id === id) out.push(...s.evidence.map((e: any) => e.text));
      walk(s.consequences);
    }
  };
  walk(f?.chain ?? []);
  return out;
}

describe('correlation on identities', () => {
  it('a heap OOM on one TaskManager keeps its heartbeat timeout, though another TaskManager fails in between', async () => {
    const dir = logs({
      'flink-flink-taskexecutor-0-tm-a.log': [...tmStart(TM_A), ...heapOom(300)],
      'flink-flink-taskexecutor-0-tm-b.log': [...tmStart(TM_B), ...openFiles(317)],
      'flink-flink-standalonesession-0-jm.log': [
        ...jmStart(),
        jobState(10, 'sessions', JOB, 'CREATED', 'RUNNING'),
        ...checkpointCompleted(270, 11, JOB),
        checkpointTriggered(330, 12, JOB),
        ...heartbeat(350, TM_A, '10.0.0.11', 'Sessionize (1/2)', attempt(0)),
        jobState(350.02, 'sessions', JOB, 'RUNNING', 'RESTARTING'),
        ...checkpointAborted(350.03, 12, JOB),
      ],
    });
    const { report } = await jsonReport([dir]);
    const oom = finding(report, 'heap-oom');
    const files = finding(report, 'too-many-open-files');
    expect(files.consequences).toEqual([]);
    expect(files.chain).toBeUndefined();
    expect(oom.consequences.map((c: any) => c.id)).toEqual(['checkpoint-aborted', 'job-restart', 'tm-heartbeat-timeout']);
    // Five levels: OOM → TaskManager lost → its task fails → the job restarts → the pending checkpoint aborts.
    expect(chainOf(oom)).toEqual(['0:tm-heartbeat-timeout×2', '1:task-failure×1', '2:job-restart×1', '3:checkpoint-aborted×1']);
    expect(oom.chain[0].joinedOn).toEqual(['taskmanager']);
    expect(stepEvidence(oom, 'tm-heartbeat-timeout').join('\n')).toContain(TM_A);
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    // Redaction reaches the chain and the per-job fields.
    const redacted = await jsonReport([dir, '--redact']);
    expect(JSON.stringify(redacted.report)).not.toMatch(/10\.0\.0\.11|tm-a\b/);
    expect(chainOf(finding(redacted.report, 'heap-oom'))).toEqual(chainOf(oom));
  });

  it('interleaved failures of two TaskManagers: each heartbeat timeout goes to the failure of its own TaskManager', async () => {
    const dir = logs({
      'flink-flink-taskexecutor-0-tm-a.log': [...tmStart(TM_A), ...heapOom(300)],
      'flink-flink-taskexecutor-0-tm-b.log': [...tmStart(TM_B), ...metaspaceOom(305)],
      'flink-flink-standalonesession-0-jm.log': [
        ...jmStart(),
        jobState(10, 'sessions', JOB, 'CREATED', 'RUNNING'),
        // B's timeout is logged first, then A's: the latest failure before each is the wrong one.
        ...heartbeat(352, TM_B, '10.0.0.12', 'Enrich (2/2)', attempt(1)),
        ...heartbeat(356, TM_A, '10.0.0.11', 'Sessionize (1/2)', attempt(0)),
      ],
    });
    const { report } = await jsonReport([dir]);
    const heap = finding(report, 'heap-oom');
    const meta = finding(report, 'metaspace-oom');
    const heapTimeouts = stepEvidence(heap, 'tm-heartbeat-timeout').join('\n');
    const metaTimeouts = stepEvidence(meta, 'tm-heartbeat-timeout').join('\n');
    expect(heapTimeouts).toContain(TM_A);
    expect(heapTimeouts).not.toContain(TM_B);
    expect(metaTimeouts).toContain(TM_B);
    expect(metaTimeouts).not.toContain(TM_A);
    expect(chainOf(heap)).toEqual(['0:tm-heartbeat-timeout×2', '1:task-failure×1']);
    expect(chainOf(meta)).toEqual(['0:tm-heartbeat-timeout×2', '1:task-failure×1']);
    expect(report.findings.map((f: any) => f.id)).not.toContain('tm-heartbeat-timeout');
  });

  it("fills what to look for from the finding's values, built-in ones included (a lab capture of a killed TaskManager)", async () => {
    const { report } = await jsonReport(['lab/captures/tm-lost-kill9/2.3.0']);
    const unreachable = finding(report, 'rpc-recipient-unreachable');
    expect(unreachable.causeNotFound.lookFor).toMatch(/ around \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/);
    const looks = report.findings.map((f: any) => f.causeNotFound?.lookFor).filter(Boolean);
    expect(looks.length).toBeGreaterThan(0);
    for (const l of looks) expect(l).not.toMatch(/\{[a-zA-Z][\w.]*(?:\|[^{}]*)?\}/);
  });

  it('a consequence whose cause is not in the logs stays a finding and says what to look for', async () => {
    const dir = logs({
      'flink-flink-taskexecutor-0-tm-a.log': [...tmStart(TM_A), ...heapOom(300)],
      'flink-flink-standalonesession-0-jm.log': [...jmStart(), jobState(10, 'sessions', JOB, 'CREATED', 'RUNNING'), ...heartbeat(320, TM_C, '10.0.0.13', 'Sink (1/1)', attempt(2)), jobState(320.05, 'sessions', JOB, 'RUNNING', 'RESTARTING')],
    });
    const { report } = await jsonReport([dir]);
    const lost = finding(report, 'tm-heartbeat-timeout');
    expect(lost).toBeDefined();
    expect(lost.causeNotFound.lookFor).toContain(TM_C);
    expect(lost.causeNotFound.expected).toEqual(expect.arrayContaining(['heap-oom', 'container-memory-killed']));
    // What it led to is still shown under it, not under the unrelated OOM.
    expect(chainOf(lost)).toEqual(['0:task-failure×1', '1:job-restart×1']);
    expect(finding(report, 'heap-oom').consequences).toEqual([]);
    const text = (await import('../helpers.js')).cli([dir, '--no-color']);
    expect((await text).stdout).toMatch(/Cause not in these logs:\n\s+The logs hold no reason for the loss of TaskManager 10\.0\.0\.13/);
  });

  it('equal timestamps: a cause and its effects logged in the same millisecond', async () => {
    const dir = logs({
      'flink-flink-taskexecutor-0-tm-a.log': [...tmStart(TM_A), ...heapOom(300)],
      'flink-flink-standalonesession-0-jm.log': [
        ...jmStart(),
        jobState(10, 'sessions', JOB, 'CREATED', 'RUNNING'),
        // The heartbeat line carries the OOM's very timestamp; the restart that of the failed task.
        ...heartbeat(300, TM_A, '10.0.0.11', 'Sessionize (1/2)', attempt(0)),
        jobState(300.01, 'sessions', JOB, 'RUNNING', 'RESTARTING'),
      ],
    });
    const { report } = await jsonReport([dir]);
    expect(chainOf(finding(report, 'heap-oom'))).toEqual(['0:tm-heartbeat-timeout×2', '1:task-failure×1', '2:job-restart×1']);
  });

  it('several jobs: restarts and aborted checkpoints stay with their own job', async () => {
    const dir = logs({
      'flink-flink-taskexecutor-0-tm-a.log': [...tmStart(TM_A), ...heapOom(300)],
      'flink-flink-standalonesession-0-jm.log': [
        ...jmStart(),
        jobState(10, 'sessions', JOB, 'CREATED', 'RUNNING'),
        jobState(11, 'billing', JOB2, 'CREATED', 'RUNNING'),
        ...checkpointCompleted(200, 4, JOB2),
        checkpointTriggered(340, 5, JOB2),
        ...heartbeat(350, TM_A, '10.0.0.11', 'Sessionize (1/2)', attempt(0)),
        jobState(350.02, 'sessions', JOB, 'RUNNING', 'RESTARTING'),
        // Another job's task fails at the same time for a reason no pattern knows, and that job restarts.
        line(350.025, 'INFO', 'graph', `Invoice (1/1) (${attempt(3)}) switched from RUNNING to FAILED on ${TM_B} @ 10.0.0.12 (dataPort=40002).`),
        'java.lang.NullPointerException: customer',
        jobState(350.03, 'billing', JOB2, 'RUNNING', 'RESTARTING'),
        ...checkpointAborted(350.04, 5, JOB2),
      ],
    });
    const { report } = await jsonReport([dir]);
    const oom = finding(report, 'heap-oom');
    expect(chainOf(oom)).toEqual(['0:tm-heartbeat-timeout×2', '1:task-failure×1', '2:job-restart×1']);
    expect(stepEvidence(oom, 'job-restart').join('\n')).toContain('Job sessions');
    expect(JSON.stringify(oom)).not.toContain(JOB2);
    const jobs = Object.fromEntries(report.jobs.map((j: any) => [j.name, j]));
    expect(jobs.sessions.restarts).toBe(1);
    expect(jobs.billing).toMatchObject({ restarts: 1, failedCheckpoints: [5], lastCompleted: { id: 4 }, state: 'RESTARTING' });
    expect(jobs.billing.checkpoints).toMatchObject({ completed: 1, aborted: 1 });
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
  });

  it('chains through the tolerable-failure threshold: expired checkpoints → threshold → global failover', async () => {
    const { report } = await jsonReport(['samples/checkpoint/checkpoint-tolerable-failures/positive-1.17-latest-failure-expired.log']);
    const f = finding(report, 'checkpoint-expired');
    const chain = chainOf(f);
    const tolerable = chain.findIndex((s) => s.includes('checkpoint-tolerable-failures'));
    expect(tolerable).toBeGreaterThan(0);
    expect(chain[tolerable - 1]).toMatch(/^0:checkpoint-timed-out/);
    expect(chain[tolerable]).toMatch(/^1:/);
    expect(chain.slice(tolerable + 1).some((s) => /^2:(?:global-failover|job-failed|job-restart)/.test(s))).toBe(true);
  });
});

describe('causal links as pattern data', () => {
  it('a pattern file declares a new link, with no code', async () => {
    const pdir = tempDir();
    mkdirSync(join(pdir, 'cluster'));
    writeFileSync(
      join(pdir, 'cluster', 'node-drained.yaml'),
      [
        'id: node-drained',
        'title: The node of a TaskManager was drained',
        'severity: error',
        'area: cluster',
        'match:',
        "  message: 'Draining node for TaskManager (?<victim>\\S+)'",
        'identity:',
        '  taskmanager: victim',
        'causes:',
        '  - { effect: tm-heartbeat-timeout, join: [taskmanager], within: 2m }',
        'summary: The node of TaskManager {victim} was drained.',
        'cause: An operator drained the node.',
        'remediation: Use a PodDisruptionBudget.',
        'verify: No more drains.',
        'references: [https://kubernetes.io/docs/tasks/run-application/configure-pdb/]',
      ].join('\n'),
    );
    const dir = logs({
      'flink-flink-standalonesession-0-jm.log': [
        ...jmStart(),
        jobState(10, 'sessions', JOB, 'CREATED', 'RUNNING'),
        `${heapOom(0)[0]!.slice(0, 24)} WARN  org.example.NodeWatcher${' '.repeat(37)} [] - Draining node for TaskManager ${TM_B}`.replace('10:00:00,000', '10:05:00,000'),
        ...heartbeat(340, TM_B, '10.0.0.12', 'Enrich (2/2)', attempt(1)),
        ...heartbeat(345, TM_C, '10.0.0.13', 'Sink (1/1)', attempt(2)),
      ],
    });
    const { report } = await jsonReport([dir, '--patterns', pdir]);
    const drained = finding(report, 'node-drained');
    expect(stepEvidence(drained, 'tm-heartbeat-timeout').join('\n')).toContain(TM_B);
    expect(stepEvidence(drained, 'tm-heartbeat-timeout').join('\n')).not.toContain(TM_C);
    expect(finding(report, 'tm-heartbeat-timeout').causeNotFound.lookFor).toContain(TM_C);
  }, 120_000);

  it('the schema names exactly the registered analyses', () => {
    const schema = JSON.parse(readFileSync('patterns/schema.json', 'utf8'));
    expect([...schema.definitions.analysisName.enum].sort()).toEqual(analysisNames());
    // job-unstable is the one check that is not an analysis (correlate/job-unstable.ts).
    for (const c of schema.properties.check.enum) if (c !== 'job-unstable') expect(analysisNames()).toContain(c);
  });

  it('the correlator names no pattern', () => {
    const ids = loadPatterns().map((p) => p.id);
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    for (const file of walk('src/correlate')) {
      const text = readFileSync(file, 'utf8');
      for (const id of ids) expect(text.includes(`'${id}'`) || text.includes(`"${id}"`), `${file} names ${id}`).toBe(false);
    }
  });
});

describe('checkpoint-timeout analysis', () => {
  const expiredRun = (durationMs: number, timeout: string | null): Record<string, string[]> => ({
    'flink-flink-standalonesession-0-jm.log': [
      ...jmStart(),
      ...(timeout ? [config(-5, 'execution.checkpointing.timeout', timeout)] : []),
      config(-5, 'execution.checkpointing.interval', '30 s'),
      jobState(10, 'sessions', JOB, 'CREATED', 'RUNNING'),
      ...checkpointCompleted(100, 1, JOB, durationMs),
      ...checkpointCompleted(200, 2, JOB, durationMs),
      checkpointTriggered(240, 3, JOB),
      checkpointExpired(300, 3, JOB),
    ],
  });

  it('says the timeout is too short when completed checkpoints come close to it, with the change', async () => {
    const { report } = await jsonReport([logs(expiredRun(55_000, '60 s'))]);
    const f = finding(report, 'checkpoint-expired');
    expect(f.facts.checkpointTimeout).toMatchObject({ timeoutMs: 60_000, timeoutFrom: 'execution.checkpointing.timeout', intervalMs: 30_000, completed: 2, maxDurationMs: 55_000, verdict: 'timeout-too-short' });
    expect(f.configChange).toEqual([{ key: 'execution.checkpointing.timeout', value: '2 min', action: 'change', note: 'twice the longest completed checkpoint (55 s)' }]);
    expect(f.impact.join('\n')).toMatch(/timeout is too short.*92% of the 60 s timeout.*longer than the 30 s checkpoint interval/);
  });

  it('says it is not the timeout when completed checkpoints take a fraction of it (Flink\'s default)', async () => {
    const { report } = await jsonReport([logs(expiredRun(400, null))]);
    const f = finding(report, 'checkpoint-expired');
    expect(f.facts.checkpointTimeout).toMatchObject({ timeoutMs: 600_000, timeoutFrom: 'default', verdict: 'not-the-timeout' });
    expect(f.configChange ?? null).toBeNull();
    expect(f.impact.join('\n')).toMatch(/Not the timeout.*back-pressure/);
  });
});

describe('a condition that recovered (resolvedBy)', () => {
  const refused = (t: number): string[] => [
    line(t, 'WARN', 'zk', 'Session 0x0 for server zk-0/10.0.0.9:2181, unexpected error, closing socket connection and attempting reconnect'),
    'java.net.ConnectException: Connection refused',
    '\tat sun.nio.ch.SocketChannelImpl.checkConnect(Native Method)',
  ];
  const established = (t: number): string => line(t, 'INFO', 'zk', 'Session establishment complete on server zk-0/10.0.0.9:2181, sessionid = 0x1000a2b3c4d0001, negotiated timeout = 40000');

  it('is informational when every occurrence is followed by the recovery line in the same log, within the window', async () => {
    const { report } = await jsonReport([logs({ 'flink-flink-standalonesession-0-jm.log': [...jmStart(), ...refused(1), established(3), ...refused(60), established(61)] })]);
    const f = finding(report, 'zookeeper-connection-lost');
    expect(f.severity).toBe('info');
    expect(f.impact[0]).toMatch(/^Each time, a later line of the same log shows it recovered: "[^"]*Session establishment complete on server/);
  });

  it('stays an error when an occurrence is not followed by a recovery, or only after the window, or only in another log', async () => {
    const cases: Record<string, string[]>[] = [
      { 'flink-flink-standalonesession-0-jm.log': [...jmStart(), ...refused(1), established(3), ...refused(60)] },
      { 'flink-flink-standalonesession-0-jm.log': [...jmStart(), ...refused(1), established(400)] },
      { 'flink-flink-standalonesession-0-jm.log': [...jmStart(), ...refused(1)], 'flink-flink-taskexecutor-0-tm.log': [...tmStart('tm-1'), established(3)] },
    ];
    for (const files of cases) {
      const { report } = await jsonReport([logs(files)]);
      expect(finding(report, 'zookeeper-connection-lost').severity, Object.values(files).flat().join('\n')).toBe('error');
    }
  });
});
