// One TaskManager is often named several ways: its pod or host name, its IP, its resource id
// (`10.0.0.3:6122-a1b2c3`, `orders-taskmanager-1-1`). The names one log source carries belong to
// one process, so they are merged into one host: the name first, its IPs after it. A host name
// from a log file's name (`flink-<user>-taskexecutor-<n>-<host>.log`) is the machine's, true as
// it is; several TaskManagers on one machine share it and are told apart by their addresses.

import type { SourceInfo } from './model.js';
import { isRocksDbLog } from './detect/extract.js';

// IPv4, or IPv6 (hex groups with at least two colons: a host name of hex letters, `cafe` or
// `db`, is a name).
const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?(?=[0-9a-f]*:[0-9a-f]*:)[0-9a-f:]+\]?)$/i;
/** A TaskManager resource id made of its address (`10.0.0.3:6122-a1b2c3`). */
const RESOURCE_ID = /:\d+-[0-9a-f]{6}$/;
/** An address or a resource id: one process's, where a host name may be a machine's. */
const isAddress = (n: string): boolean => IP.test(n) || RESOURCE_ID.test(n);

/** A host with the other names it goes by. */
export interface MergedHost {
  name: string;
  aliases: string[];
  /** `name (alias, …)`. */
  label: string;
}

/** Groups of names that denote one process: the hosts and resource ids of each log source. */
function aliasGroups(sources: SourceInfo[]): string[][] {
  const groups: string[][] = [];
  for (const s of sources) {
    if (s.kind !== 'log') continue;
    const names = [...s.hosts];
    for (const r of s.resourceIds) {
      names.push(r);
      const ip = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+-[0-9a-f]{6}$/.exec(r);
      if (ip) names.push(ip[1]!);
    }
    // A source whose names hold several pods (kubectl logs --prefix of many pods) or several
    // TaskManager resource ids (logs of several processes concatenated) is not one process.
    const named = names.filter((n) => !isAddress(n));
    if (new Set(named).size <= 1 && new Set(s.resourceIds).size <= 1 && names.length > 1) groups.push([...new Set(names)]);
  }
  // Sources of one process (its .log and .out, rolled files) make one group: an address or a
  // resource id is one process's, a host name may be a machine's that several processes share.
  const merged: string[][] = [];
  for (const g of groups) {
    const same = merged.filter((m) => g.some((n) => isAddress(n) && m.includes(n)));
    const union = [...new Set([...same.flat(), ...g])];
    for (const m of same) merged.splice(merged.indexOf(m), 1);
    merged.push(union);
  }
  return merged;
}

/** Merges host names that denote the same process (per the sources), keeping first-seen order. */
export function mergeHosts(hosts: string[], sources: SourceInfo[]): MergedHost[] {
  const groups = aliasGroups(sources);
  const out: MergedHost[] = [];
  const taken = new Set<string>();
  for (const h of hosts) {
    if (taken.has(h)) continue;
    // A name in several groups (a machine several processes share) joins the group of another
    // of the listed names, or stays on its own.
    const containing = groups.filter((g) => g.includes(h));
    const group = containing.length === 1 ? containing[0] : containing.find((g) => g.some((m) => m !== h && hosts.includes(m) && groups.filter((x) => x.includes(m)).length === 1));
    const members = group ? hosts.filter((x) => group.includes(x)) : [h];
    members.forEach((m) => taken.add(m));
    // A machine name that several processes share (TaskManagers on one machine, each on its own
    // address) names none of them: the address comes first then, the machine name after it.
    const own = (m: string): boolean => groups.filter((g) => g.includes(m)).length <= 1;
    const named = (m: string): boolean => !isAddress(m);
    const name = members.find((m) => named(m) && own(m)) ?? members.find((m) => own(m) && !RESOURCE_ID.test(m)) ?? members.find(named) ?? members[0]!;
    const aliases = members.filter((m) => m !== name);
    out.push({ name, aliases, label: aliases.length ? `${name} (${aliases.join(', ')})` : name });
  }
  return out;
}

/**
 * A RocksDB LOG file names no host, but it sits in the directory tree of the TaskManager it
 * belongs to (`tm-1/flink-…-taskexecutor-….log` beside `tm-1/…/job_…/db/LOG`). Each LOG source
 * without hosts takes the hosts of the TaskManager logs nearest above it, when those name one
 * process; when the nearest directory holds several TaskManagers' logs it stays unattributed.
 */
export function attributeRocksDbLogs(sources: SourceInfo[]): void {
  const tms = sources.filter((s) => s.kind === 'log' && s.role === 'taskmanager' && s.hosts.length > 0 && !isRocksDbLog(s.name));
  for (const s of sources) {
    if (s.kind !== 'log' || s.hosts.length > 0 || !isRocksDbLog(s.name)) continue;
    const parts = s.name.split(/[\\/]/);
    for (let n = parts.length - 1; n > 0; n--) {
      const dir = parts.slice(0, n).join('/') + '/';
      const near = tms.filter((t) => t.name.replace(/\\/g, '/').startsWith(dir));
      if (near.length === 0) continue;
      const named = new Set(near.map((t) => [...t.hosts].sort().join('\n')));
      if (named.size === 1) s.hosts = [...near[0]!.hosts];
      break;
    }
  }
}

/** `flink-<user>-<daemon>-<n>-<host>` of Flink's log file names (`.log`, `.out`, `.err`, rolled, gzipped). */
const FLINK_STEM = /^(.*[\\/!])?(flink-.+-\d+-.+?)\.(?:log|out|err)(?:\.\d+)?(?:\.gz)?$/;

/**
 * The files of one Flink process (`…-taskexecutor-0-vm.log`, its `.out`, its rolled `.log.1`) in
 * one directory share their hosts: the `.out` file, which names no address, is the same
 * TaskManager as the `.log` beside it.
 */
export function shareHostsOfOneProcess(sources: SourceInfo[]): void {
  const byStem = new Map<string, SourceInfo[]>();
  for (const s of sources) {
    const m = s.kind === 'log' ? FLINK_STEM.exec(s.name) : null;
    if (!m) continue;
    const key = `${m[1] ?? ''}${m[2]}`;
    byStem.set(key, [...(byStem.get(key) ?? []), s]);
  }
  for (const group of byStem.values()) {
    if (group.length < 2) continue;
    const hosts = [...new Set(group.flatMap((s) => s.hosts))];
    for (const s of group) s.hosts = [...s.hosts, ...hosts.filter((h) => !s.hosts.includes(h))];
  }
}
