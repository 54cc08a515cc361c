// Pieces shared by the human-readable reporters: the environment summary and text trimming.

import type { Diagnosis, Finding } from '../model.js';

/** Shortens a line for display, keeping its start. */
export function trimLine(text: string, max = 220): string {
  const t = text.replace(/\t/g, '  ').trimEnd();
  return t.length > max ? t.slice(0, max - 1) + '…' : t;
}

/** One-line description of the inputs: files, roles, versions, time range. */
export function environmentSummary(d: Diagnosis): string[] {
  const logs = d.inputs.filter((i) => i.kind === 'log');
  const configs = d.inputs.filter((i) => i.kind === 'config');
  const count = (role: string): number => logs.filter((i) => i.role === role).length;
  const roles = [
    count('jobmanager') ? `${count('jobmanager')} JobManager` : '',
    count('taskmanager') ? `${count('taskmanager')} TaskManager` : '',
    count('client') ? `${count('client')} client` : '',
    count('unknown') ? `${count('unknown')} unknown-role` : '',
  ].filter(Boolean);
  const versions = [...new Set(d.inputs.map((i) => i.flinkVersion).filter(Boolean))];
  const lines = [
    `Inputs: ${logs.length} log source${logs.length === 1 ? '' : 's'}${roles.length ? ` (${roles.join(', ')})` : ''}${configs.length ? `, ${configs.length} config file${configs.length === 1 ? '' : 's'}` : ''}; ${d.stats.lines.toLocaleString('en')} lines, ${formatBytes(d.stats.bytes)} in ${d.stats.seconds.toFixed(2)} s.`,
  ];
  if (versions.length) lines.push(`Flink version: ${versions.join(', ')}.`);
  return lines;
}

/** Human-readable byte size. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

/** `occurrences` and `events` in words. */
export function countLine(f: Finding): string {
  const occ = `${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}`;
  const ev = f.events > 0 ? ` in ${f.events} log event${f.events === 1 ? '' : 's'}` : '';
  const when = f.firstSeen ? (f.lastSeen && f.lastSeen !== f.firstSeen ? `, ${f.firstSeen} → ${f.lastSeen}` : `, at ${f.firstSeen}`) : '';
  return `${occ}${ev}${when}`;
}
