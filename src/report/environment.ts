// The environment header of the human-readable reports: Flink versions, deployment mode,
// JobManager/TaskManager sources, time range, what was scanned and what was skipped.

import type { Diagnosis, InputWarning, SourceInfo } from '../model.js';
import { mergeHosts } from '../hosts.js';
import { formatBytes, formatDuration, isoMs, shortPaths } from './common.js';

/** Deployment mode of the cluster as far as the inputs tell. */
export type DeploymentMode = 'kubernetes' | 'yarn' | 'standalone' | 'unknown';

/** What the report header says about the inputs. */
export interface Environment {
  versions: string[];
  deployment: DeploymentMode;
  /** Why the deployment mode was chosen (source names, banners, configuration keys). */
  deploymentReasons: string[];
  jobManagers: SourceInfo[];
  taskManagers: SourceInfo[];
  /** Log sources of client or unknown role. */
  otherLogs: SourceInfo[];
  configs: SourceInfo[];
  /** Earliest and latest event time found in findings, checkpoints and job transitions. */
  from: string | null;
  to: string | null;
  /** Inputs that were read (bytes > 0) and inputs skipped or doubtful, with the reason. */
  scanned: number;
  skipped: InputWarning[];
}

const MODE_SIGNS: Array<[Exclude<DeploymentMode, 'unknown'>, RegExp, string]> = [
  ['kubernetes', /kubernetes|k8s/i, 'Kubernetes'],
  ['yarn', /yarn|container_e?\d+_\d+|application_\d+_\d+/i, 'YARN'],
  ['standalone', /standalonesession|standalonejob|standalone|taskexecutor-\d/i, 'standalone'],
];

/** The environment header for a diagnosis. */
export function environment(d: Diagnosis): Environment {
  const logs = d.inputs.filter((i) => i.kind === 'log');
  const votes = new Map<DeploymentMode, string[]>();
  const vote = (mode: DeploymentMode, why: string): void => {
    const list = votes.get(mode) ?? [];
    if (!list.includes(why)) list.push(why);
    votes.set(mode, list);
  };
  for (const s of d.inputs) {
    const base = s.name.split(/[\\/]/).pop() ?? s.name;
    for (const [mode, re] of MODE_SIGNS) {
      if (re.test(base)) vote(mode, `source name ${base}`);
      if (s.entrypoint && re.test(s.entrypoint)) vote(mode, `banner "Starting ${s.entrypoint}"`);
    }
    for (const h of s.hosts) {
      // Pod names: a native TaskManager pod, or a Deployment's pod (replica-set hash and a random suffix).
      if (/-taskmanager-\d+-\d+$|-jobmanager-[a-z0-9]{5,10}-[a-z0-9]{5}$|-[bcdfghjklmnpqrstvwxz2456789]{8,10}-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(h)) vote('kubernetes', `pod ${h}`);
    }
    if (s.roleReason?.startsWith('kubectl --prefix')) vote('kubernetes', `kubectl logs --prefix lines (${s.roleReason.replace(/^kubectl --prefix /, '')})`);
    for (const r of s.resourceIds) {
      if (/-taskmanager-\d+-\d+$/.test(r)) vote('kubernetes', `TaskManager resource id ${r}`);
      else if (/^container_/.test(r)) vote('yarn', `TaskManager resource id ${r}`);
      else if (/:\d+-[0-9a-f]{6}$/.test(r)) vote('standalone', `TaskManager resource id ${r}`);
    }
  }
  const keys = new Set<string>();
  for (const f of [...d.findings, ...d.muted]) for (const c of f.config) keys.add(c.key);
  for (const c of d.config) keys.add(c.key);
  for (const k of keys) {
    if (k.startsWith('kubernetes.')) vote('kubernetes', `configuration key ${k}`);
    else if (k.startsWith('yarn.')) vote('yarn', `configuration key ${k}`);
  }
  let deployment: DeploymentMode = 'unknown';
  let best = 0;
  for (const mode of ['kubernetes', 'yarn', 'standalone'] as const) {
    const n = votes.get(mode)?.length ?? 0;
    if (n > best) {
      best = n;
      deployment = mode;
    }
  }
  const times: string[] = [];
  const add = (t: string | null | undefined): void => {
    if (t) times.push(t);
  };
  for (const f of [...d.findings, ...d.muted]) {
    add(f.firstSeen);
    add(f.lastSeen);
  }
  for (const c of d.checkpoints) {
    add(c.triggeredAt);
    add(c.endedAt);
  }
  for (const r of d.checkpointRuns) {
    add(r.firstAt);
    add(r.lastAt);
  }
  for (const j of d.jobTransitions) add(j.time);
  times.sort((a, b) => (isoMs(a) ?? 0) - (isoMs(b) ?? 0) || a.localeCompare(b));
  return {
    versions: [...new Set(d.inputs.map((i) => i.flinkVersion).filter((v): v is string => !!v))],
    deployment,
    deploymentReasons: deployment === 'unknown' ? [] : votes.get(deployment)!.slice(0, 2),
    jobManagers: logs.filter((i) => i.role === 'jobmanager'),
    taskManagers: logs.filter((i) => i.role === 'taskmanager'),
    otherLogs: logs.filter((i) => i.role !== 'jobmanager' && i.role !== 'taskmanager'),
    configs: d.inputs.filter((i) => i.kind === 'config'),
    from: times[0] ?? null,
    to: times[times.length - 1] ?? null,
    scanned: d.inputs.filter((i) => i.bytes > 0).length,
    skipped: d.warnings,
  };
}

/** Deployment mode in words. */
export function deploymentLabel(e: Environment): string {
  const name = { kubernetes: 'Kubernetes', yarn: 'YARN', standalone: 'standalone', unknown: 'not determined' }[e.deployment];
  return e.deploymentReasons.length ? `${name} (from ${e.deploymentReasons.join('; ')})` : name;
}

/** `first → last (span)` of a time range; the date is not repeated when both are on one day. */
export function rangeText(first: string | null, last: string | null): string {
  if (!first) return 'no timestamps';
  if (!last || last === first) return first;
  const a = isoMs(first);
  const b = isoMs(last);
  const sameDay = first.slice(0, 10) === last.slice(0, 10) && /^\d{4}-\d{2}-\d{2}T/.test(last);
  const span = a !== null && b !== null ? ` (${formatDuration(Math.max(0, b - a))})` : '';
  return `${first} → ${sameDay ? last.slice(11) : last}${span}`;
}

/** Header lines shared by the human-readable reports: label and value (a value may hold several lines). */
export function environmentRows(d: Diagnosis): Array<[string, string]> {
  const e = environment(d);
  const paths = shortPaths(d.inputs.map((i) => i.name));
  const hostsOf = (s: SourceInfo): string => {
    const merged = mergeHosts(s.hosts, d.inputs);
    return merged.length ? ` [${merged.map((h) => h.label).join(', ')}]` : '';
  };
  const names = (list: SourceInfo[]): string => (list.length ? list.map((s) => paths.short(s.name) + hostsOf(s)).join(', ') : 'none');
  const rows: Array<[string, string]> = [
    ['Flink version', e.versions.length ? e.versions.join(', ') : 'unknown (no startup banner found)'],
    ['Deployment', deploymentLabel(e)],
  ];
  if (paths.prefix) rows.push(['Files under', paths.prefix]);
  rows.push(['JobManager logs', names(e.jobManagers)], ['TaskManager logs', names(e.taskManagers)]);
  if (e.otherLogs.length) rows.push(['Other logs', e.otherLogs.map((s) => `${paths.short(s.name)} (${s.role})${hostsOf(s)}`).join(', ')]);
  if (e.configs.length) rows.push(['Configuration files', e.configs.map((s) => paths.short(s.name)).join(', ')]);
  const cov = d.coverage;
  if (cov) {
    const lines = [rangeText(cov.first, cov.last)];
    if (cov.sources.length > 1) for (const s of cov.sources) lines.push(`${paths.short(s.source)}: ${rangeText(s.first, s.last)}`);
    rows.push(['Logs cover', lines.join('\n')]);
    if (cov.window.since || cov.window.until) rows.push(['Window', `${cov.window.since ?? 'start'} → ${cov.window.until ?? 'end'} (--since/--until: events outside it were not read)`]);
    for (const k of cov.clockSkew) {
      rows.push([
        'Clocks',
        `${paths.short(k.source)} runs about ${formatDuration(k.behindMs)} behind ${paths.short(k.jobManagerSource)}: it failed checkpoint ${k.checkpoint} at ${k.taskManagerTime}, before the JobManager triggered it at ${k.triggeredAt}; compare times across these logs with care`,
      ]);
    }
  } else rows.push(['Time range', e.from ? (e.to && e.to !== e.from ? `${e.from} → ${e.to}` : e.from) : 'no timestamps']);
  rows.push([
    'Scanned',
    `${e.scanned} of ${d.inputs.length} input${d.inputs.length === 1 ? '' : 's'}, ${d.stats.lines.toLocaleString('en')} lines, ${formatBytes(d.stats.bytes)} in ${d.stats.seconds.toFixed(2)} s${e.skipped.length ? `; ${e.skipped.length} warning${e.skipped.length === 1 ? '' : 's'} (below)` : ''}`,
  ]);
  return rows;
}
