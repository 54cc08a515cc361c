// The causal graph on hand-made nodes: identities decide before time, windows, equal timestamps,
// unexplained causes, no cycles; and how TaskManager references are read.

import { describe, expect, it } from 'vitest';
import { assignCauses, type Node } from '../../src/correlate/graph.js';
import { alike, taskManagerNames, type Ids } from '../../src/correlate/identities.js';
import { ANY_ROOT, type Link } from '../../src/correlate/links.js';

let order = 0;
function node(kind: string, timeMs: number | null, ids: Partial<Ids> = {}, opts: { signal?: boolean; root?: boolean; causeKinds?: string[] } = {}): Node {
  const signal = opts.signal ?? true;
  return {
    kind,
    causeKinds: opts.causeKinds ?? [kind],
    signal: signal ? ({} as Node['signal']) : null,
    fact: signal ? null : ({} as Node['fact']),
    root: opts.root ?? false,
    severity: 2,
    timeMs,
    ids: { jobs: [], rids: [], hosts: [], ...ids },
    order: order++,
    parent: null,
    joinedOn: [],
    children: [],
  };
}

const link = (cause: string, effect: string, l: Partial<Link> = {}): Link => ({ cause, effect, join: [], agree: [], withinMs: null, ...l });

describe('assignCauses', () => {
  it('joins on the identity, not on the nearest time', () => {
    const oomA = node('oom', 0, { rids: ['tm-a'] }, { root: true });
    const filesB = node('files', 17_000, { rids: ['tm-b'] }, { root: true });
    const lostA = node('lost', 50_000, { rids: ['tm-a'] });
    assignCauses([oomA, filesB, lostA], [link('oom', 'lost', { join: ['taskmanager'], withinMs: 300_000 }), link(ANY_ROOT, 'lost', { agree: ['job'], withinMs: 600_000 })]);
    expect(lostA.parent).toBe(oomA);
    expect(lostA.joinedOn).toEqual(['taskmanager']);
  });

  it('respects the window, with a second of clock skew', () => {
    const cause = node('oom', 10_000, { rids: ['a'] }, { root: true });
    const early = node('lost', 9_500, { rids: ['a'] });
    const late = node('lost', 400_000, { rids: ['a'] });
    assignCauses([cause, early, late], [link('oom', 'lost', { join: ['taskmanager'], withinMs: 300_000 })]);
    expect(early.parent).toBe(cause);
    expect(late.parent).toBeNull();
  });

  it('joined without a window: the latest cause at or before the effect (a second of clock skew after it counts), else the earliest after, else an untimed one', () => {
    const links = [link('c', 'e', { join: ['attempt'], agree: ['job'] })];
    const at = (t: number | null, attempt: string, job?: string): Node => node('c', t, { attempt, ...(job ? { jobs: [job] } : {}) }, { root: true });
    // Before, after and untimed causes of the same attempt; a nearer one of another attempt; one whose job disagrees.
    const [early, nearest, later, untimedOne, other, disagreeing] = [at(50, 'a'), at(900, 'a'), at(1200, 'a'), at(null, 'a'), at(990, 'b'), at(950, 'a', 'k')];
    const e1 = node('e', 100, { attempt: 'a', jobs: ['j'] });
    assignCauses([early, nearest, later, untimedOne, other, disagreeing, e1], links);
    expect(e1.parent).toBe(nearest);
    const [after1, after2] = [at(5000, 'a'), at(3000, 'a')];
    const e2 = node('e', 100, { attempt: 'a' });
    assignCauses([after1, after2, at(null, 'a'), e2], links);
    expect(e2.parent).toBe(after2);
    const onlyUntimed = at(null, 'a');
    const e3 = node('e', 100, { attempt: 'a' });
    assignCauses([onlyUntimed, at(50, 'b'), e3], links);
    expect(e3.parent).toBe(onlyUntimed);
    // Causes of one time: the one whose job agrees wins; a crash loop of one attempt id stays linear.
    const plain = at(90, 'a');
    const agreeing = at(90, 'a', 'j');
    const e4 = node('e', 100, { attempt: 'a', jobs: ['j'] });
    assignCauses([plain, agreeing, e4], links);
    expect(e4.parent).toBe(agreeing);
    const loop: Node[] = [];
    for (let i = 0; i < 5000; i++) loop.push(at(i * 2000, 'same'), node('e', i * 2000 + 5, { attempt: 'same' }));
    assignCauses(loop, links);
    for (let i = 0; i < 5000; i++) expect(loop[2 * i + 1]!.parent).toBe(loop[2 * i]);
  });

  it('equal timestamps: the cause kind goes first, chains nest', () => {
    const oom = node('oom', 5_000, { rids: ['a'] }, { root: true });
    const lost = node('lost', 5_000, { rids: ['a'] });
    const restart = node('job-restart', 5_000, { jobs: ['j'] }, { signal: false });
    const links = [link('oom', 'lost', { join: ['taskmanager'], withinMs: 60_000 }), link('lost', 'job-restart', { agree: ['job'], withinMs: 10_000 })];
    // Effects listed first: the order of the input does not matter.
    assignCauses([restart, lost, oom], links);
    expect(lost.parent).toBe(oom);
    expect(restart.parent).toBe(lost);
  });

  it('an event whose nearest cause is unexplained stays unexplained', () => {
    const oom = node('oom', 0, {}, { root: true });
    const orphanFailure = node('task-failure', 9_000, { jobs: ['billing'] }, { signal: false });
    const restart = node('job-restart', 9_010, { jobs: ['billing'] }, { signal: false });
    assignCauses([oom, orphanFailure, restart], [link(ANY_ROOT, 'job-restart', { agree: ['job'], withinMs: 600_000 }), link('task-failure', 'job-restart', { agree: ['job'], withinMs: 10_000 })]);
    expect(orphanFailure.parent).toBeNull();
    expect(restart.parent).toBeNull();
  });

  it('identities that disagree rule a cause out; unknown ones do not with agree', () => {
    const a = node('oom', 0, { jobs: ['a'] }, { root: true });
    const b = node('oom', 1_000, { jobs: ['b'] }, { root: true });
    const restartA = node('job-restart', 2_000, { jobs: ['a'] }, { signal: false });
    const restartX = node('job-restart', 3_000, {}, { signal: false });
    assignCauses([a, b, restartA, restartX], [link(ANY_ROOT, 'job-restart', { agree: ['job'], withinMs: 600_000 })]);
    expect(restartA.parent).toBe(a);
    expect(restartX.parent).toBe(b);
    expect(restartX.joinedOn).toEqual([]);
  });

  it('never makes a node its own ancestor', () => {
    const x = node('x', 0, { checkpoint: 3 });
    const y = node('y', 0, { checkpoint: 3 });
    assignCauses([x, y], [link('x', 'y', { join: ['checkpoint'] }), link('y', 'x', { join: ['checkpoint'] })]);
    expect(x.parent === y && y.parent === x).toBe(false);
    expect([x.parent, y.parent].filter(Boolean)).toHaveLength(1);
  });
});

describe('TaskManager identities', () => {
  it('reads resource ids, addresses and pod names', () => {
    expect(taskManagerNames('10.20.3.41:36127-9f1c2a')).toEqual({ rids: ['10.20.3.41:36127-9f1c2a'], hosts: ['10.20.3.41'] });
    expect(taskManagerNames('container_e12_1633_01_000003(akka.tcp://flink@host:1/user/rpc/taskmanager_0)')).toEqual({ rids: ['container_e12_1633_01_000003'], hosts: [] });
    expect(taskManagerNames('ip-10-0-14-201.ec2.internal/10.0.14.201:35411')).toEqual({ rids: [], hosts: ['ip-10-0-14-201.ec2.internal', '10.0.14.201'] });
    expect(taskManagerNames('akka.tcp://flink@10.42.7.19:6122')).toEqual({ rids: [], hosts: ['10.42.7.19'] });
    expect(taskManagerNames('billing-sess-taskmanager-1-3')).toEqual({ rids: ['billing-sess-taskmanager-1-3'], hosts: [] });
  });

  it('compares by resource id when both have one, else by any name', () => {
    const ids = (rids: string[], hosts: string[]): Ids => ({ jobs: [], rids, hosts });
    expect(alike('taskmanager', ids(['h:1-aaaaaa'], ['h']), ids(['h:2-bbbbbb'], ['h']))).toBe(false);
    expect(alike('taskmanager', ids(['pod-1'], []), ids([], ['pod-1']))).toBe(true);
    expect(alike('taskmanager', ids([], []), ids(['pod-1'], []))).toBeUndefined();
  });
});
