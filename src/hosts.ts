// One TaskManager is often named several ways: its pod or host name, its IP, its resource id
// (`10.0.0.3:6122-a1b2c3`, `orders-taskmanager-1-1`). The names one log source carries belong to
// one process, so they are merged into one host: the name first, its IPs after it.

import type { SourceInfo } from './model.js';

const IP = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[?[0-9a-f:]+\]?)$/i;

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
    // A source whose names hold several pods (kubectl logs --prefix of many pods) is not one process.
    const named = names.filter((n) => !IP.test(n) && !/:\d+-[0-9a-f]{6}$/.test(n));
    if (new Set(named).size <= 1 && names.length > 1) groups.push([...new Set(names)]);
  }
  return groups;
}

/** Merges host names that denote the same process (per the sources), keeping first-seen order. */
export function mergeHosts(hosts: string[], sources: SourceInfo[]): MergedHost[] {
  const groups = aliasGroups(sources);
  const out: MergedHost[] = [];
  const taken = new Set<string>();
  for (const h of hosts) {
    if (taken.has(h)) continue;
    const group = groups.find((g) => g.includes(h));
    const members = group ? hosts.filter((x) => group.includes(x)) : [h];
    members.forEach((m) => taken.add(m));
    const name = members.find((m) => !IP.test(m) && !/:\d+-[0-9a-f]{6}$/.test(m)) ?? members[0]!;
    const aliases = members.filter((m) => m !== name);
    out.push({ name, aliases, label: aliases.length ? `${name} (${aliases.join(', ')})` : name });
  }
  return out;
}
