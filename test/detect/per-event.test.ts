// The detector's per-event work, made cheap without changing what it reads: identities read only
// from texts that hold their words, a pattern's captures as fields, the side a logger speaks for,
// the candidate patterns of a record holding several literals tried once each in a fixed order,
// and a record's scan visibility asked for once.

import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/parse/event.js';
import { identityOf } from '../../src/detect/identity.js';
import { roleOfLogger } from '../../src/detect/extract.js';
import { compilePattern } from '../../src/detect/pattern-compile.js';
import { Detector } from '../../src/detect/detector.js';
import type { PatternSpec } from '../../src/detect/pattern.js';
import { buildPrefilter } from '../../src/scan/prefilter.js';

const H = '2024-05-01 10:00:00,000 WARN  org.apache.flink.runtime.taskmanager.Task                   [] - ';
const ev = (lines: string[]) => buildEvent(0, 1, lines);
const JOB = '0123456789abcdef0123456789abcdef';

function spec(id: string, message: string, literals: string[]): PatternSpec {
  return { id, title: id, severity: 'warning', area: 'test', literals, match: { message }, summary: '', cause: '', remediation: '', verify: '', references: [] };
}

describe('identityOf', () => {
  it('reads every identity where its words are, in the header and in the chain', () => {
    expect(identityOf(ev([H + `Map (2/4)#1 (${'a'.repeat(32)}) switched from RUNNING to FAILED on tm-1:6122-a1b2c3 @ host-7 (dataPort=1).`]), {})).toEqual({
      task: 'Map (2/4)',
      attempt: 'a'.repeat(32),
      host: 'host-7',
      resourceId: 'tm-1:6122-a1b2c3',
    });
    expect(identityOf(ev([H + `Decline checkpoint 12 by task ${'b'.repeat(32)} of job ${JOB} at tm-2 @ host-2.`]), {})).toEqual({ checkpoint: 12, attempt: 'b'.repeat(32), job: JOB, host: 'host-2', resourceId: 'tm-2' });
    expect(identityOf(ev([H + 'Task failed.', 'java.lang.Exception: Could not complete snapshot 7 for operator Sink (1/2)#0.']), {})).toEqual({ checkpoint: 7, task: 'Sink (1/2)' });
    expect(identityOf(ev([H + 'Failed to write.', 'java.io.IOException: cannot create /data/chk-33/_metadata']), {})).toEqual({ checkpoint: 33 });
    expect(identityOf(ev([H + 'Checkpoint 5 was declined.']), {})).toEqual({ checkpoint: 5 });
    expect(identityOf(ev([H + 'A snapshot 6 was slow.']), {})).toEqual({ checkpoint: 6 });
    expect(identityOf(ev([H + 'Failed.', `java.io.IOException: file /x/job_${JOB}_op_abc/f`]), {})).toEqual({ job: JOB });
    expect(identityOf(ev([H + `Stopping job ${JOB} now.`]), {})).toEqual({ job: JOB });
    expect(identityOf(ev([H + `Job orders (${JOB}) switched from state RUNNING to RESTARTING.`]), {})).toEqual({ job: JOB });
  });

  it('a message without those words has no identity, and captured fields come first', () => {
    const kafka = ev([H + '[Producer clientId=producer-orders-sink-0] Connection to node 2 (kafka-2.kafka.svc.cluster.local/10.0.3.12:9092) could not be established. Broker may not be available.']);
    expect(identityOf(kafka, {})).toEqual({});
    expect(identityOf(ev([H + 'Checkpoint 5 was declined.']), { checkpoint: '9', job: 'j', task: 'T (1/2)#3' })).toEqual({ checkpoint: 9, job: 'j', task: 'T (1/2)' });
  });
});

describe('roleOfLogger', () => {
  it('names the side of Flink loggers only', () => {
    expect(roleOfLogger('org.apache.flink.runtime.jobmaster.JobMaster')).toBe('jobmanager');
    expect(roleOfLogger('org.apache.flink.runtime.taskmanager.Task')).toBe('taskmanager');
    expect(roleOfLogger('org.apache.flink.client.cli.CliFrontend')).toBe('client');
    expect(roleOfLogger('org.apache.flink.runtime.metrics.ReporterSetup')).toBeNull();
    expect(roleOfLogger('org.apache.kafka.clients.NetworkClient')).toBeNull();
    expect(roleOfLogger('shaded.org.apache.flink.runtime.jobmaster.JobMaster')).toBeNull();
  });

  it('reads Flink loggers whose leading packages a layout cut to their first letter', () => {
    const sides: [string, string | null][] = [
      ['o.a.f.runtime.jobmaster.JobMaster', 'jobmanager'],
      ['o.a.f.r.checkpoint.CheckpointCoordinator', 'jobmanager'],
      ['o.a.f.r.taskexecutor.TaskExecutor', 'taskmanager'],
      ['o.a.f.s.runtime.tasks.StreamTask', 'taskmanager'],
      ['o.a.f.s.r.tasks.StreamTask', 'taskmanager'],
      ['o.a.f.s.rocksdb.EmbeddedRocksDBStateBackend', 'taskmanager'],
      ['o.a.f.client.cli.CliFrontend', 'client'],
      // Cut deeper, the packages are ambiguous: no side.
      ['o.a.f.r.j.JobMaster', null],
      ['o.a.k.clients.NetworkClient', null],
    ];
    for (const [logger, side] of sides) expect(roleOfLogger(logger), logger).toBe(side);
  });
});

describe('pattern captures', () => {
  it('are the named groups that took part in the match, in the order of the regex', () => {
    const p = compilePattern(spec('t', 'node (?<node>-?\\d+)(?: \\((?<broker>[^)]+)\\))? could not(?<tail> be established)?', ['could not']), 'f', 'f', false);
    const m = p.matches(ev([H + 'Connection to node 2 could not be established.']), null);
    expect(m?.fields).toEqual({ node: '2', tail: ' be established' });
    expect(Object.keys(m!.fields)).toEqual(['node', 'tail']);
    expect(Object.keys(p.matches(ev([H + 'Connection to node -1 (b-1/10.0.0.5:9092) could not be established.']), null)!.fields)).toEqual(['node', 'broker', 'tail']);
  });
});

describe('Detector.event', () => {
  const patterns = [spec('a', 'alpha', ['alpha']), spec('b', 'beta', ['beta']), spec('ab', 'alpha|beta', ['alpha', 'beta'])].map((s) => compilePattern(s, 'f', 'f', false));
  const detector = (): Detector => new Detector(patterns, { since: null, until: null, fullScan: false }, buildPrefilter);

  it('tries the patterns of a record with several literals once each, by literal in the order given', () => {
    const d = detector();
    d.event(ev([H + 'beta then alpha']), ['beta', 'alpha']);
    d.event(ev([H + 'alpha then beta']), ['alpha', 'beta', 'alpha']);
    expect(d.signals.map((s) => `${s.event.message}: ${s.patternId}`)).toEqual(['beta then alpha: b', 'beta then alpha: ab', 'beta then alpha: a', 'alpha then beta: a', 'alpha then beta: ab', 'alpha then beta: b']);
  });

  it('counts a logger vote from records every scan reads only, once per record', () => {
    const d = detector();
    const i = d.addSource('app.log', 'log', false);
    // An INFO record without a scan literal: the fast scan would not hand it on.
    d.event(ev(['2024-05-01 10:00:00,000 INFO  org.apache.flink.runtime.taskmanager.Task                   [] - quiet']), []);
    expect(d.facts.source(i).votes.get('taskmanager')).toBeUndefined();
    d.event(ev([H + 'loud']), []);
    d.event(ev([H + 'alpha']), ['alpha']);
    expect(d.facts.source(i).votes.get('taskmanager')?.score).toBe(2);
  });
});
