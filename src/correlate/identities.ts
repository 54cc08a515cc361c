// The identities a node of the causal graph names — job, checkpoint, attempt, task, TaskManager
// (resource id, else host or pod name) and host — read from a signal, the pattern's declared
// captures (`identity:`) or the TaskManager log it came from; and when two nodes name one alike.

import type { Signal, SourceInfo } from '../model.js';
import type { IdentityName, Pattern } from '../detect/pattern-spec.js';

/**
 * The identities a node names. Its lists are never changed in place: a graph holds a node per
 * fact of a long crash loop, and nodes share one empty list and one list per value (see Names).
 */
export interface Ids {
  jobs: readonly string[];
  checkpoint?: number;
  attempt?: string;
  task?: string;
  /** TaskManager resource ids, and hosts (addresses, host or pod names). */
  rids: readonly string[];
  hosts: readonly string[];
}

/** The list that names nothing, shared by every node. */
export const NONE: readonly string[] = Object.freeze([]);

/**
 * Lists of identity values shared by the nodes of one graph: the list of one value is built once
 * (twenty thousand checkpoint failures of one job share one `[job]`).
 */
export class Names {
  private readonly single = new Map<string, readonly string[]>();

  /** The list holding `value` alone, or NONE for no value. */
  of(value: string | null | undefined): readonly string[] {
    if (!value) return NONE;
    let list = this.single.get(value);
    if (list === undefined) this.single.set(value, (list = Object.freeze([value])));
    return list;
  }

  /** `list` with the values of `more` it lacks (the same list when it lacks none). */
  with(list: readonly string[], more: Iterable<string>): readonly string[] {
    let out: string[] | null = null;
    for (const x of more) {
      if (!x || list.includes(x) || out?.includes(x)) continue;
      (out ??= [...list]).push(x);
    }
    if (out === null) return list;
    return out.length === 1 ? this.of(out[0]) : Object.freeze(out);
  }
}

/** Resource id and host named by a TaskManager reference (`<rid>`, `<rid>(akka…)`, `<host>:<port>`, `<host>:<port>-<hex>`). */
export function taskManagerNames(value: string): { rids: string[]; hosts: string[] } {
  const v = value.trim().replace(/^['"]|['"]$/g, '').replace(/\s*\(.*$/, '').replace(/\.$/, '');
  if (!v) return { rids: [], hosts: [] };
  const withHex = /^([^:\s]+):\d+-[0-9a-f]{6}$/.exec(v);
  if (withHex) return { rids: [v], hosts: [withHex[1]!] };
  // An address: `host:port`, Java's `name/ip:port`, an Akka/Pekko `akka.tcp://flink@host:port`.
  const address = /^(?:[a-z.]+:\/\/)?(?:[^@/\s]+@)?(?:([^:/\s]+)\/)?([^:/\s]+):\d+\/?$/.exec(v);
  if (address) return { rids: [], hosts: [address[1], address[2]!].filter((h): h is string => !!h) };
  return { rids: [v], hosts: [] };
}

function captures(fields: Record<string, string>, names: string | string[] | undefined): string[] {
  if (names === undefined) return [];
  return (Array.isArray(names) ? names : [names]).map((n) => fields[n]).filter((v): v is string => v !== undefined && v !== '');
}

/** The identities of a signal: its own, the pattern's declared captures, else its TaskManager log's. */
export function signalIds(s: Signal, p: Pattern, groupJobs: readonly string[], sources: SourceInfo[], names: Names): Ids {
  const decl = p.identity ?? {};
  const ids: Ids = { jobs: NONE, rids: NONE, hosts: NONE };
  const job = captures(s.fields, decl.job)[0] ?? s.identity.job;
  ids.jobs = job ? names.of(job) : groupJobs;
  const cp = captures(s.fields, decl.checkpoint)[0];
  const checkpoint = cp !== undefined && /^\d+$/.test(cp) ? +cp : s.identity.checkpoint;
  if (checkpoint !== undefined) ids.checkpoint = checkpoint;
  const attempt = captures(s.fields, decl.attempt)[0] ?? s.identity.attempt;
  if (attempt) ids.attempt = attempt;
  const task = captures(s.fields, decl.task)[0]?.replace(/#\d+$/, '') ?? s.identity.task;
  if (task) ids.task = task;
  for (const v of captures(s.fields, decl.taskmanager)) {
    const n = taskManagerNames(v);
    ids.rids = names.with(ids.rids, n.rids);
    ids.hosts = names.with(ids.hosts, n.hosts);
  }
  ids.hosts = names.with(ids.hosts, captures(s.fields, decl.host));
  if (ids.rids.length === 0 && ids.hosts.length === 0) {
    ids.rids = names.of(s.identity.resourceId);
    ids.hosts = names.of(s.identity.host);
  }
  // A TaskManager's own log speaks for that TaskManager, unless the line names another one.
  sourceTm(ids, sources, s.event.sourceIndex, names);
  return ids;
}

/** A node of a TaskManager's own log that names no TaskManager speaks for that TaskManager. */
export function sourceTm(ids: Ids, sources: SourceInfo[], source: number, names: Names): void {
  const src = sources[source];
  if (ids.rids.length === 0 && ids.hosts.length === 0 && src?.role === 'taskmanager') {
    ids.rids = names.with(NONE, src.resourceIds);
    ids.hosts = names.with(NONE, src.hosts);
  }
}

/** True when the lists share a value. */
function meets(x: readonly string[], y: readonly string[]): boolean {
  for (let i = 0; i < x.length; i++) if (y.includes(x[i]!)) return true;
  return false;
}

/** Whether an identity is named by both nodes and alike: undefined when either does not name it. */
export function alike(name: IdentityName, a: Ids, b: Ids): boolean | undefined {
  switch (name) {
    case 'job':
      return a.jobs.length && b.jobs.length ? meets(a.jobs, b.jobs) : undefined;
    case 'checkpoint':
      return a.checkpoint !== undefined && b.checkpoint !== undefined ? a.checkpoint === b.checkpoint : undefined;
    case 'attempt':
      return a.attempt && b.attempt ? a.attempt === b.attempt : undefined;
    case 'task':
      return a.task && b.task ? a.task === b.task : undefined;
    case 'host':
      return a.hosts.length && b.hosts.length ? meets(a.hosts, b.hosts) : undefined;
    case 'taskmanager': {
      // By resource id when both have one; else by any name (a pod name is both).
      if (a.rids.length && b.rids.length) return meets(a.rids, b.rids) || meets(a.rids, b.hosts) || meets(b.rids, a.hosts);
      if ((a.rids.length === 0 && a.hosts.length === 0) || (b.rids.length === 0 && b.hosts.length === 0)) return undefined;
      return meets(a.rids, b.rids) || meets(a.rids, b.hosts) || meets(a.hosts, b.rids) || meets(a.hosts, b.hosts);
    }
  }
}

/** The values a node names for an identity, as index keys. */
export function identityKeys(name: IdentityName, ids: Ids): readonly string[] {
  switch (name) {
    case 'job':
      return ids.jobs;
    case 'checkpoint':
      return ids.checkpoint !== undefined ? [String(ids.checkpoint)] : [];
    case 'attempt':
      return ids.attempt ? [ids.attempt] : [];
    case 'task':
      return ids.task ? [ids.task] : [];
    case 'host':
      return ids.hosts;
    case 'taskmanager':
      return [...ids.rids, ...ids.hosts];
  }
}
