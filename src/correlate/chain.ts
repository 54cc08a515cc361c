// What a finding led to, from the causal graph: the flat list of consequences (`consequences`,
// one entry per kind with a count) and the nested chain (`chain`: each consequence under the one
// that caused it). Counting: a checkpoint once per job and id, a task failure once per attempt,
// anything else once per line.

import type { CausalStep, Consequence, Evidence, SourceInfo } from '../model.js';
import type { CheckpointFact, JobFact, TaskFailureFact } from '../detect/facts.js';
import type { Pattern } from '../detect/pattern-spec.js';
import { evidenceOf, type Built } from './findings.js';
import { EVENT_TITLES } from './links.js';
import { isTaskFailure, type Node } from './graph.js';

const MAX_STEP_EVIDENCE = 3;

function factEvidence(f: CheckpointFact | JobFact | TaskFailureFact, sources: SourceInfo[]): Evidence {
  return { source: sources[f.source]?.name ?? '?', line: f.line, role: sources[f.source]?.role ?? 'unknown', text: f.text, time: f.time };
}

function nodeEvidence(n: Node, sources: SourceInfo[]): Evidence {
  return n.signal ? evidenceOf(n.signal, sources) : factEvidence(n.fact!, sources);
}

/** What makes two nodes of one kind the same consequence (counted once). */
function countKey(n: Node): string {
  if (n.kind.startsWith('checkpoint-') && !n.signal) return `${n.ids.jobs[0] ?? 'null'}#${n.ids.checkpoint}`;
  if (n.kind === 'task-failure' || (n.signal && isTaskFailure(n.signal) && n.kind === 'task-failure')) return n.ids.attempt ?? `${n.order}`;
  return `${n.order}`;
}

/** Every node below the given ones. */
export function descendants(from: Node[]): Node[] {
  const out: Node[] = [];
  const stack = [...from].reverse();
  const seen = new Set<Node>(from);
  while (stack.length > 0) {
    const n = stack.pop()!;
    for (const c of [...n.children].reverse()) {
      if (seen.has(c)) continue;
      seen.add(c);
      out.push(c);
      stack.push(c);
    }
  }
  return out;
}

function title(kind: string, byId: Map<string, Pattern>): string {
  return EVENT_TITLES[kind] ?? byId.get(kind)?.title ?? kind;
}

/**
 * The flat consequences of a finding, in a stable order: the JobManager's checkpoint records, task
 * failures (the finding's own FAILED lines and the failed attempts attributed to it), job
 * restarts, failures and failovers, then consequence patterns.
 */
export function flatConsequences(b: Built, nodes: Node[], byId: Map<string, Pattern>, sources: SourceInfo[]): Consequence[] {
  const below = descendants(nodes);
  const out: Consequence[] = [];
  const put = (id: string, items: Node[], dedupe: boolean): void => {
    if (items.length === 0) return;
    const keys = new Set<string>();
    const c: Consequence = { id, title: title(id, byId), count: 0, evidence: [] };
    for (const n of items) {
      if (dedupe) {
        const k = countKey(n);
        if (keys.has(k)) continue;
        keys.add(k);
      }
      c.count++;
      if (c.evidence.length < MAX_STEP_EVIDENCE) c.evidence.push(nodeEvidence(n, sources));
    }
    out.push(c);
  };
  const facts = below.filter((n) => n.fact && n.kind.startsWith('checkpoint-'));
  facts.sort((a, b) => a.order - b.order);
  for (const id of uniqueKinds(facts)) put(id, facts.filter((n) => n.kind === id), true);

  const ownFailed = b.signals.filter(isTaskFailure);
  const failedFacts = below.filter((n) => n.kind === 'task-failure');
  if (ownFailed.length > 0 || failedFacts.length > 0) {
    const attempts = new Set([...ownFailed.map((s) => s.identity.attempt ?? `${s.event.sourceIndex}:${s.line}`), ...failedFacts.map((n) => n.ids.attempt ?? `f${n.order}`)]);
    const evidence = [...ownFailed.map((s) => evidenceOf(s, sources)), ...failedFacts.map((n) => nodeEvidence(n, sources))].slice(0, MAX_STEP_EVIDENCE);
    out.push({ id: 'task-failure', title: EVENT_TITLES['task-failure']!, count: attempts.size, evidence });
  }
  const jobs = below.filter((n) => n.fact && (n.kind === 'job-restart' || n.kind === 'job-failed' || n.kind === 'global-failover')).sort((a, b) => a.order - b.order);
  for (const id of uniqueKinds(jobs)) put(id, jobs.filter((n) => n.kind === id), false);
  const patterns = below.filter((n) => n.signal).sort((a, b) => a.order - b.order);
  for (const id of uniqueKinds(patterns)) put(id, patterns.filter((n) => n.kind === id), false);
  return out;
}

function uniqueKinds(nodes: Node[]): string[] {
  return [...new Set(nodes.map((n) => n.kind))];
}

/**
 * The nested chain under a finding: its consequences grouped by kind, each group with the
 * consequences of its members in turn. The finding's own FAILED lines form its task-failure step.
 */
export function causalChain(nodes: Node[], byId: Map<string, Pattern>, sources: SourceInfo[]): CausalStep[] {
  // The finding's own task-failure lines stand as a task-failure step of their own.
  const top: Node[] = [];
  for (const n of nodes) {
    if (n.signal && isTaskFailure(n.signal)) top.push({ ...n, kind: 'task-failure', joinedOn: [] });
    else top.push(...n.children);
  }
  return steps(top, byId, sources, new Set(nodes));
}

function steps(members: Node[], byId: Map<string, Pattern>, sources: SourceInfo[], seen: Set<Node>): CausalStep[] {
  const groups = new Map<string, Node[]>();
  for (const n of members) {
    let g = groups.get(n.kind);
    if (!g) groups.set(n.kind, (g = []));
    g.push(n);
  }
  const out: CausalStep[] = [];
  for (const [kind, g] of groups) {
    g.sort((a, b) => (a.timeMs ?? Infinity) - (b.timeMs ?? Infinity) || a.order - b.order);
    const counted = new Set(g.map(countKey));
    const joinedOn = [...new Set(g.flatMap((n) => n.joinedOn))];
    // A consequence logged on a task's FAILED line: that task failure comes next, then what it caused.
    const children = g.flatMap((n) => (n.signal && n.kind !== 'task-failure' && isTaskFailure(n.signal) ? [{ ...n, kind: 'task-failure', joinedOn: [] }] : n.children)).filter((c) => !seen.has(c));
    for (const c of children) seen.add(c);
    out.push({ id: kind, title: title(kind, byId), count: counted.size, joinedOn, evidence: g.slice(0, MAX_STEP_EVIDENCE).map((n) => nodeEvidence(n, sources)), consequences: steps(children, byId, sources, seen) });
  }
  return out;
}
