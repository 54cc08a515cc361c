// The causal graph: one node per signal and per event the facts record (task failures, job
// restarts and failures, global failovers, checkpoints declined, failed, aborted or expired), each
// with the identities it names. Every node gets at most one cause: among the nodes a link allows,
// the one whose identities join it, then the nearest before it in time. A fact only causes
// something once it has a cause itself (an orphan restart explains nothing). Chains nest to any
// depth; no node is its own ancestor.

import type { Severity, Signal, SourceInfo } from '../model.js';
import { severityRank } from '../model.js';
import type { CheckpointFact, Facts, JobFact, TaskFailureFact } from '../detect/facts.js';
import { parseLocation } from '../detect/extract.js';
import type { IdentityName, Pattern } from '../detect/pattern-spec.js';
import { ANY_ROOT, type Link } from './links.js';
import { alike, identityKeys, Names, NONE, signalIds, sourceTm, type Ids } from './identities.js';

export type { Ids } from './identities.js';

/** Clocks of different hosts: an effect may be logged this long before its cause. */
const SKEW_MS = 1000;

/** A signal or a fact in the graph. */
export interface Node {
  /** As a cause: its pattern id (and `task-failure` for a signal on a task's FAILED line), or its event. */
  causeKinds: readonly string[];
  /** As an effect: its pattern id or its event. */
  kind: string;
  signal: Signal | null;
  fact: CheckpointFact | JobFact | TaskFailureFact | null;
  /** Signals of a pattern of role root can be ANY_ROOT. */
  root: boolean;
  severity: number;
  timeMs: number | null;
  ids: Ids;
  order: number;
  parent: Node | null;
  /** The identities that tied it to its parent. */
  joinedOn: readonly IdentityName[];
  /** Its effects (NO_CHILDREN, shared, until it has one). */
  children: Node[];
}

/** The children of a node without effects: shared, never added to (assignCauses gives a node its own list). */
const NO_CHILDREN: Node[] = Object.freeze([]) as unknown as Node[];
const NOT_JOINED: readonly IdentityName[] = Object.freeze([]);

const FAILED_SWITCH = / switched from [A-Z_]+ to FAILED/;

/** True when a signal is the line of a task attempt switching to FAILED. */
export function isTaskFailure(s: Signal): boolean {
  return FAILED_SWITCH.test(s.event.message);
}

/** The event a checkpoint fact is, as a consequence. */
export function checkpointEvent(kind: CheckpointFact['kind']): string | null {
  return { declined: 'checkpoint-declined', discarded: 'checkpoint-declined', failed: 'checkpoint-failed', aborted: 'checkpoint-aborted', expired: 'checkpoint-timed-out' }[kind as string] ?? null;
}

/** The event a job fact is, as a consequence. */
export function jobEvent(j: JobFact): string | null {
  if (j.kind === 'transition' && j.to === 'RESTARTING') return 'job-restart';
  if (j.kind === 'transition' && j.to === 'FAILED') return 'job-failed';
  if (j.kind === 'global-failover') return 'global-failover';
  return null;
}

/**
 * The job of a task failure the JobManager logged: the first job whose state changed on the same
 * log within 2 s after it (the JobMaster logs the task's FAILED line, then the job's RESTARTING,
 * FAILING or FAILED). Unknown when none did.
 */
function taskFailureJobs(facts: Facts): Map<TaskFailureFact, string> {
  const out = new Map<TaskFailureFact, string>();
  const bySource = new Map<number, JobFact[]>();
  for (const j of facts.jobs) {
    if (j.kind !== 'transition' || !j.job || j.timeMs === null || !/^(?:RESTARTING|FAILING|FAILED)$/.test(j.to ?? '')) continue;
    let list = bySource.get(j.source);
    if (!list) bySource.set(j.source, (list = []));
    list.push(j);
  }
  for (const list of bySource.values()) list.sort((a, b) => a.timeMs! - b.timeMs! || a.line - b.line);
  for (const t of facts.taskFailures) {
    if (t.timeMs === null) continue;
    const list = bySource.get(t.source) ?? [];
    // The first state change at or after the task failure's time (binary search), then past its line.
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.timeMs! < t.timeMs) lo = mid + 1;
      else hi = mid;
    }
    while (lo < list.length && list[lo]!.timeMs === t.timeMs && list[lo]!.line <= t.line) lo++;
    const next = list[lo];
    if (next && next.timeMs! - t.timeMs <= 2000) out.set(t, next.job!);
  }
  return out;
}

/** Builds the nodes: the signals, then the facts' events (a task failure that is a signal's line is that signal). */
export function buildNodes(signals: Signal[], byId: Map<string, Pattern>, groupJobs: Map<string, string[]>, facts: Facts, sources: SourceInfo[]): Node[] {
  const nodes: Node[] = [];
  // Lists shared between nodes: a crash loop makes tens of thousands of nodes that name one job.
  const names = new Names();
  const kinds = new Names();
  const make = (n: Omit<Node, 'order' | 'parent' | 'joinedOn' | 'children'>): Node => {
    // One shape for every node (no spread): there can be a node per line of a long restart loop.
    const node: Node = { causeKinds: n.causeKinds, kind: n.kind, signal: n.signal, fact: n.fact, root: n.root, severity: n.severity, timeMs: n.timeMs, ids: n.ids, order: nodes.length, parent: null, joinedOn: NOT_JOINED, children: NO_CHILDREN };
    nodes.push(node);
    return node;
  };
  const signalAt = new Map<string, Node>();
  for (const s of signals) {
    const p = byId.get(s.patternId)!;
    const failure = isTaskFailure(s);
    const node = make({
      kind: p.id,
      causeKinds: failure ? [p.id, 'task-failure'] : kinds.of(p.id),
      signal: s,
      fact: null,
      root: p.role !== 'consequence',
      severity: severityRank(p.severity as Severity),
      timeMs: s.event.timeMs,
      ids: signalIds(s, p, groupJobs.get(p.id) ?? NONE, sources, names),
    });
    if (failure) signalAt.set(`${s.event.sourceIndex}:${s.event.line}`, node);
  }
  for (const c of facts.checkpoints) {
    const kind = c.id !== null ? checkpointEvent(c.kind) : null;
    if (!kind) continue;
    const ids: Ids = { jobs: names.of(c.job), checkpoint: c.id!, rids: NONE, hosts: NONE };
    if (c.attempt) ids.attempt = c.attempt;
    if (c.location) {
      const loc = parseLocation(c.location);
      ids.rids = names.of(loc.resourceId);
      ids.hosts = names.of(loc.host);
    }
    make({ kind, causeKinds: kinds.of(kind), signal: null, fact: c, root: false, severity: -1, timeMs: c.timeMs, ids });
  }
  const taskJobs = taskFailureJobs(facts);
  for (const t of facts.taskFailures) {
    const same = signalAt.get(`${t.source}:${t.line}`);
    if (same) {
      // The signal is this failure: it takes the identities the fact adds.
      if (!same.ids.attempt) same.ids.attempt = t.attempt;
      if (same.ids.jobs.length === 0 && taskJobs.has(t)) same.ids.jobs = names.of(taskJobs.get(t));
      continue;
    }
    const job = taskJobs.get(t);
    const ids: Ids = { jobs: names.of(job), attempt: t.attempt, task: t.task, rids: names.of(t.resourceId), hosts: names.of(t.host) };
    sourceTm(ids, sources, t.source, names);
    make({ kind: 'task-failure', causeKinds: kinds.of('task-failure'), signal: null, fact: t, root: false, severity: -1, timeMs: t.timeMs, ids });
  }
  for (const j of facts.jobs) {
    const kind = jobEvent(j);
    if (!kind) continue;
    make({ kind, causeKinds: kinds.of(kind), signal: null, fact: j, root: false, severity: -1, timeMs: j.timeMs, ids: { jobs: names.of(j.job), rids: NONE, hosts: NONE } });
  }
  return nodes;
}

/** Comparable strength of a candidate cause: identities joined, nearness in time, identities agreeing, severity, input order. */
type Score = [joined: number, before: number, time: number, agreed: number, severity: number, order: number];

function better(a: Score, b: Score): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! > b[i]!;
  return false;
}

/** Checks a link between a candidate cause and an effect; the score when it holds. */
function tryLink(l: Link, c: Node, e: Node, singleRoot: boolean): { score: Score; joined: IdentityName[] } | null {
  const joined: IdentityName[] = [];
  for (const name of l.join) {
    if (alike(name, c.ids, e.ids) !== true) return null;
    joined.push(name);
  }
  let agreed = 0;
  for (const name of l.agree) {
    const a = alike(name, c.ids, e.ids);
    if (a === false) return null;
    if (a === true) {
      agreed++;
      joined.push(name);
    }
  }
  const ct = c.timeMs;
  const et = e.timeMs;
  if (l.withinMs !== null) {
    if (ct !== null && et !== null) {
      if (ct > et + SKEW_MS || et - ct > l.withinMs) return null;
    } else if (l.join.length === 0 && !singleRoot) {
      // No time to compare and no identity to join on: only when one root failure is all there is.
      return null;
    }
  }
  const before = ct !== null && et !== null ? (ct <= et + SKEW_MS ? 1 : 0) : -1;
  const time = ct === null || et === null ? 0 : before === 1 ? ct : -ct;
  return { score: [l.join.length, before, time, agreed, c.severity, -c.order], joined };
}

function isAncestor(a: Node, of: Node): boolean {
  for (let n: Node | null = of; n; n = n.parent) if (n === a) return true;
  return false;
}

/** Gives every node its cause, if the links and the identities allow one. */
export function assignCauses(nodes: Node[], links: Link[]): void {
  const byEffect = new Map<string, Link[]>();
  for (const l of links) {
    let list = byEffect.get(l.effect);
    if (!list) byEffect.set(l.effect, (list = []));
    list.push(l);
  }
  const byCause = new Map<string, Node[]>();
  const add = (k: string, n: Node): void => {
    let list = byCause.get(k);
    if (!list) byCause.set(k, (list = []));
    list.push(n);
  };
  for (const n of nodes) {
    for (const k of n.causeKinds) add(k, n);
    if (n.root && n.signal) add(ANY_ROOT, n);
  }
  const rootPatterns = new Set(nodes.filter((n) => n.root && n.signal).map((n) => n.kind));
  const singleRoot = rootPatterns.size === 1;
  // Candidates of each cause kind by time (untimed ones kept apart), for the windows.
  const timed = new Map<string, Node[]>();
  const untimed = new Map<string, Node[]>();
  for (const [k, list] of byCause) {
    timed.set(k, list.filter((n) => n.timeMs !== null).sort((a, b) => a.timeMs! - b.timeMs! || a.order - b.order));
    untimed.set(k, list.filter((n) => n.timeMs === null));
  }
  // The candidates of each cause kind by the value they name of an identity: timed ones by time
  // (as in `timed`), then the untimed ones.
  const indexes = new Map<string, Map<string, { timed: Node[]; untimed: Node[] }>>();
  const bucketsOf = (kind: string, name: IdentityName): Map<string, { timed: Node[]; untimed: Node[] }> => {
    let index = indexes.get(`${kind} ${name}`);
    if (!index) {
      indexes.set(`${kind} ${name}`, (index = new Map()));
      for (const [list, untimedOnes] of [[timed.get(kind) ?? [], false], [untimed.get(kind) ?? [], true]] as const) {
        for (const n of list) {
          for (const k of identityKeys(name, n.ids)) {
            let bucket = index.get(k);
            if (!bucket) index.set(k, (bucket = { timed: [], untimed: [] }));
            (untimedOnes ? bucket.untimed : bucket.timed).push(n);
          }
        }
      }
    }
    return index;
  };
  const indexed = (kind: string, name: IdentityName, ids: Ids): Node[] => {
    const index = bucketsOf(kind, name);
    const out = new Set<Node>();
    for (const k of identityKeys(name, ids)) {
      const bucket = index.get(k);
      if (!bucket) continue;
      for (const n of bucket.timed) out.add(n);
      for (const n of bucket.untimed) out.add(n);
    }
    return [...out];
  };
  /** The candidates naming the one value `ids` has of an identity; null when it has none or several. */
  const bucketOf = (kind: string, name: IdentityName, ids: Ids): { timed: Node[]; untimed: Node[] } | null => {
    const keys = identityKeys(name, ids);
    return keys.length === 1 ? (bucketsOf(kind, name).get(keys[0]!) ?? { timed: [], untimed: [] }) : null;
  };
  const rank = kindRanks(links, nodes);
  const order = [...nodes].sort((a, b) => (a.timeMs ?? Infinity) - (b.timeMs ?? Infinity) || (rank.get(a.kind) ?? 0) - (rank.get(b.kind) ?? 0) || a.order - b.order);
  for (const e of order) {
    const ls = byEffect.get(e.kind);
    if (!ls) continue;
    let best: { c: Node; score: Score; joined: IdentityName[] } | null = null;
    // An event whose nearest cause is itself unexplained (a task failure no pattern knows) stays
    // unexplained: it is not handed to an earlier failure instead.
    /** Takes `c` as the cause through `l` when it beats the best so far; says whether it can be the cause at all. */
    const consider = (l: Link, c: Node): boolean => {
      if (c === e) return false;
      const r = tryLink(l, c, e, singleRoot);
      if (!r || isAncestor(e, c)) return false;
      if (!best || better(r.score, best.score)) best = { c, ...r };
      return true;
    };
    /**
     * From `list[from]` on, by `step`, the time of the first node that can be the cause through
     * `l`, every node of that time considered; null when none can.
     */
    const firstLinkingTime = (l: Link, list: Node[], from: number, step: 1 | -1): number | null => {
      let at: number | null = null;
      for (let i = from; i >= 0 && i < list.length; i += step) {
        const c = list[i]!;
        if (at !== null && c.timeMs !== at) break;
        if (consider(l, c)) at = c.timeMs;
      }
      return at;
    };
    for (const l of ls) {
      const list = timed.get(l.cause) ?? [];
      if (l.withinMs !== null && e.timeMs !== null) {
        // The window before the effect (and the skew after it), latest first.
        const hi = upperBound(list, e.timeMs + SKEW_MS);
        if (l.join.length > 0) {
          // Or, when fewer, the nodes that name the first identity to join on alike (tryLink
          // checks their times): the same cause is found, as only these can be one.
          const bucket = bucketOf(l.cause, l.join[0]!, e.ids);
          if (bucket !== null && bucket.timed.length + bucket.untimed.length < hi - upperBound(list, e.timeMs - l.withinMs - 1)) {
            for (const c of bucket.timed) consider(l, c);
            for (const c of bucket.untimed) consider(l, c);
            continue;
          }
        }
        for (let i = hi - 1; i >= 0 && e.timeMs - list[i]!.timeMs! <= l.withinMs; i--) {
          const c = list[i]!;
          // Nothing earlier can beat a cause found at a later time through as many joined identities.
          const found = best as { c: Node; score: Score } | null;
          if (found && found.score[0] >= l.join.length && found.c.timeMs !== null && c.timeMs! < found.c.timeMs && found.c.timeMs <= e.timeMs + SKEW_MS) break;
          consider(l, c);
        }
        for (const c of untimed.get(l.cause) ?? []) consider(l, c);
      } else if (l.join.length > 0) {
        // Only the nodes that name the first identity to join on alike. Without a window, a cause
        // at or before the effect beats one after it, the latest the earliest, and an untimed one
        // only counts when no timed one links: from the effect's time, the first that links (and
        // those of its very time) is the best this link has.
        const bucket = e.timeMs !== null ? bucketOf(l.cause, l.join[0]!, e.ids) : null;
        if (bucket === null) {
          for (const c of indexed(l.cause, l.join[0]!, e.ids)) consider(l, c);
          continue;
        }
        const hi = upperBound(bucket.timed, e.timeMs! + SKEW_MS);
        const at = firstLinkingTime(l, bucket.timed, hi - 1, -1) ?? firstLinkingTime(l, bucket.timed, hi, 1);
        if (at === null) for (const c of bucket.untimed) consider(l, c);
      } else {
        for (const c of list) consider(l, c);
        for (const c of untimed.get(l.cause) ?? []) consider(l, c);
      }
    }
    if (best && ((best as { c: Node }).c.signal || (best as { c: Node }).c.parent)) {
      const b = best as { c: Node; joined: IdentityName[] };
      e.parent = b.c;
      e.joinedOn = b.joined;
      if (b.c.children === NO_CHILDREN) b.c.children = [e];
      else b.c.children.push(e);
    }
  }
}

/** First index whose time is above `t`. */
function upperBound(list: Node[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.timeMs! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Depth of each kind in the links (causes before effects at equal times); cycles are cut. */
function kindRanks(links: Link[], nodes: Node[]): Map<string, number> {
  const rank = new Map<string, number>();
  const rootKinds = new Set(nodes.filter((n) => n.root && n.signal).map((n) => n.kind));
  for (let round = 0; round < 8; round++) {
    let changed = false;
    for (const l of links) {
      const causes = l.cause === ANY_ROOT ? [...rootKinds] : [l.cause];
      for (const c of causes) {
        const r = Math.min(8, (rank.get(c) ?? 0) + 1);
        if (r > (rank.get(l.effect) ?? 0) && !rootKinds.has(l.effect)) {
          rank.set(l.effect, r);
          changed = true;
        }
      }
    }
    if (!changed) break;
  }
  return rank;
}
