// Pieces shared by the human-readable reporters: the environment header (versions, deployment
// mode, JobManager/TaskManager sources, time range, skipped files), finding order and text
// trimming, and the selection and wording of the unknown-failure section (grouping and ranking
// are src/unknown/'s). The checkpoint timeline lives in timeline.ts; redaction happens before any of this.

import { severityRank, type Diagnosis, type Finding, type SourceInfo, type InputWarning, type UnknownGroup } from '../model.js';
import { selectUnknown } from '../unknown/groups.js';
import { mergeHosts } from '../hosts.js';


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

/** Findings by severity (most severe first), then by first occurrence: the earlier failure is the likelier cause. */
export function orderedFindings(list: Finding[]): Finding[] {
  return list
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || cmpTime(a.f.firstSeen, b.f.firstSeen) || a.i - b.i)
    .map((x) => x.f);
}

function cmpTime(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return (isoMs(a) ?? 0) - (isoMs(b) ?? 0);
}

/** Milliseconds of an ISO-8601 time as written in the log (no zone: read as UTC, like the scanner). */
export function isoMs(t: string | null | undefined): number | null {
  if (!t) return null;
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(t) ? t : t + 'Z');
  return Number.isNaN(ms) ? null : ms;
}

/** Human-readable byte size. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1 << 30) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  return `${(n / (1 << 30)).toFixed(2)} GiB`;
}

/** Human-readable duration. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  if (ms < 3_600_000) return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
  return `${Math.floor(ms / 3_600_000)} h ${Math.round((ms % 3_600_000) / 60_000)} min`;
}

/** `occurrences` and `events` in words. */
export function countLine(f: Finding): string {
  const occ = `${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}`;
  const ev = f.events > 0 ? ` in ${f.events} log event${f.events === 1 ? '' : 's'}` : '';
  const when = f.firstSeen ? (f.lastSeen && f.lastSeen !== f.firstSeen ? `, ${f.firstSeen} → ${f.lastSeen}` : `, at ${f.firstSeen}`) : '';
  return `${occ}${ev}${when}`;
}

/** Number of unknown-failure groups a report lists when the caller does not say (`--unknown`). */
export const DEFAULT_UNKNOWN = 5;

/** The unknown-failure section of a report: what is listed and what is left out. */
export interface UnknownView {
  /** Likely failures among the listed groups, best first. */
  top: UnknownGroup[];
  /** Known background noise among the listed groups. */
  benign: UnknownGroup[];
  /** Groups in the input, listed or not. */
  total: number;
  benignTotal: number;
  /** Groups not listed. */
  hidden: number;
}

/** The unknown groups to show for `--unknown n` (0: none); null when the section is hidden or empty. */
export function unknownView(d: Diagnosis, n: number = DEFAULT_UNKNOWN): UnknownView | null {
  if (n <= 0 || d.unknown.length === 0) return null;
  return selectUnknown(d.unknown, n);
}

/** Heading sentence of the unknown section, e.g. "top 5 of 12 groups; 3 are known background noise". */
export function unknownHeading(v: UnknownView): string {
  const listed = v.top.length + v.benign.length;
  const of = listed < v.total ? `top ${listed} of ${v.total} groups` : `${v.total} group${v.total === 1 ? '' : 's'}`;
  return `${of}${v.benignTotal ? `; ${v.benignTotal} ${v.benignTotal === 1 ? 'is' : 'are'} known background noise` : ''}`;
}

/** Root-cause exception and normalised message of a group, in one line. */
export function unknownTitle(g: UnknownGroup): string {
  if (!g.exception) return g.message;
  return g.message ? `${g.exception}: ${g.message}` : g.exception;
}

/** Count, first and last seen of a group in words. */
export function unknownCountLine(g: UnknownGroup): string {
  const n = `${g.count}×`;
  if (!g.firstSeen) return `${n}, no timestamps`;
  return g.lastSeen && g.lastSeen !== g.firstSeen ? `${n}, ${g.firstSeen} → ${g.lastSeen}` : `${n}, at ${g.firstSeen}`;
}

/** Roles and sources of a group in words. */
export function unknownWhere(g: UnknownGroup, max = 3): string {
  const roles = g.roles.filter((r) => r !== 'unknown');
  const src = g.sources.length > max ? `${g.sources.slice(0, max).join(', ')} and ${g.sources.length - max} more` : g.sources.join(', ');
  return `${roles.length ? roles.join(', ') + ' · ' : ''}${src}`;
}

/** Label of a benign group's noise kind, from its reasons. */
export function benignLabel(g: UnknownGroup): string {
  const r = g.reasons.find((x) => x.startsWith('known background noise'));
  return r ? r.replace(/^known background noise \((.*)\)$/, '$1') : 'known background noise';
}

// ---- Text shaping shared by the reporters -------------------------------------------------

/** Paths of four or more components; ids of 16+ hex digits (job, vertex, attempt ids). */
const LONG_PATH = /(?:[A-Za-z]:)?(?:[\\/][^\s\\/:'",;()[\]]+){4,}[\\/]?/g;
const LONG_ID = /\b[0-9a-f]{16,}(?:[_-][0-9a-f]{8,})*\b/gi;

/** A path with its middle components replaced by `…`: the first two and the last two stay. */
function elidePath(p: string, max: number): string {
  if (p.length <= max) return p;
  const sep = p.includes('/') ? '/' : '\\';
  const parts = p.split(sep);
  const lead = p.startsWith(sep) ? 1 : 0;
  const head = parts.slice(0, lead + 2);
  const tail = parts.slice(-2);
  if (head.length + tail.length >= parts.length) return p;
  return [...head, '…', ...tail].join(sep);
}

/**
 * Shortens a log line for display without losing what proves a diagnosis: the line's start, the
 * exception class and the end of the message (errno text, file names) stay; the middle of long
 * paths and long hex ids gives way first, then, if still too long, the middle of the line.
 */
export function elide(text: string, max = 200): string {
  let t = text.replace(/\t/g, '  ').trimEnd();
  if (t.length <= max) return t;
  // Log headers pad the logger name: one space is enough.
  t = t.replace(/(\S) {2,}(?=\S)/g, '$1 ');
  if (t.length <= max) return t;
  t = t.replace(LONG_ID, (id) => (id.length > 12 ? `${id.slice(0, 8)}…` : id));
  if (t.length <= max) return t;
  t = t.replace(LONG_PATH, (p) => elidePath(p, 40));
  if (t.length <= max) return t;
  // Still too long: keep the start (time, level, exception class) and the end of the message.
  const cls = /(?:^|\s)((?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable))(?::|\s|$)/.exec(t);
  const headLen = Math.max(Math.floor(max * 0.4), cls ? Math.min(cls.index + cls[0].length, max - 40) : 0);
  const tailLen = max - headLen - 3;
  return `${t.slice(0, headLen).trimEnd()} … ${t.slice(t.length - tailLen).trimStart()}`;
}

/** Shortens a line for display, keeping its start and its end (see elide). */
export function trimLine(text: string, max = 220): string {
  return elide(text, max);
}

/** One block of a pattern text: prose to reflow, a list item, or lines to show verbatim (commands, configuration). */
export interface TextBlock {
  kind: 'prose' | 'item' | 'code';
  /** Prose and items: one logical line; code: the lines as written. */
  text: string;
  /** Code only: every line is `key: value` configuration (rendered as YAML). */
  yaml?: boolean;
  /** Item marker (`1.`, `-`) for items; nesting for code inside an item. */
  marker?: string;
  inItem?: boolean;
}

const CODE_LINE = /^(?:[a-z][\w-]*(?:\.[\w-]+)+:\s|(?:kubectl|df|mkdir|ln|touch|rm|cat|ls|nc|curl|export|flink|flink-doctor|kafka-[\w.-]+|hdfs|sudo|grep|mount|stat|jcmd|jmap|java|ulimit|sysctl)\s|[a-zA-Z_]\w*=\S|\$ )|\s&&\s|^\s*-D[\w.]+=/;
const ITEM = /^(\d+\.|[-•*])\s+(.*)$/;
const YAML_LINE = /^[a-z][\w-]*(?:\.[\w-]+)+:\s/;

/**
 * Splits a pattern text (cause, fix, verification) into blocks: paragraphs and list items whose
 * hard-wrapped lines are joined into one logical line (a renderer wraps them to its width), and
 * command or configuration lines kept verbatim.
 */
export function textBlocks(text: string): TextBlock[] {
  const out: TextBlock[] = [];
  let inItem = false;
  for (const para of text.replace(/\r/g, '').split(/\n\s*\n/)) {
    const lines = para.split('\n').filter((l) => l.trim() !== '');
    if (lines.length === 0) continue;
    const indented = /^\s+/.test(lines[0]!);
    if (!indented && !ITEM.test(lines[0]!.trim())) inItem = false;
    let cur: TextBlock | null = null;
    for (const raw of lines) {
      const l = raw.trim();
      const item = ITEM.exec(l);
      if (CODE_LINE.test(l)) {
        if (cur?.kind === 'code') cur.text += `\n${l}`;
        else out.push((cur = { kind: 'code', text: l, inItem: inItem && indented }));
        cur.yaml = (cur.yaml ?? true) && YAML_LINE.test(l);
      } else if (item && !/^\d+\.\d/.test(l)) {
        inItem = true;
        out.push((cur = { kind: 'item', marker: item[1]!, text: item[2]! }));
      } else if (cur && cur.kind !== 'code') {
        cur.text += ` ${l}`;
      } else {
        out.push((cur = { kind: 'prose', text: l, inItem: inItem && indented }));
      }
    }
  }
  for (const b of out) if (b.kind === 'code' && !b.yaml) delete b.yaml;
  return out;
}

/** Wraps one logical line at `width` columns (words longer than the width stay whole). */
export function wrap(text: string, width: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let cur = '';
  for (const w of words) {
    if (cur && cur.length + 1 + w.length > width) {
      lines.push(cur);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) lines.push(cur);
  return lines;
}

/** Normalised text for comparisons: whitespace folded. */
function folded(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** A finding's cause without the paragraphs that repeat one of its impact lines word for word. */
export function causeText(f: Finding): string {
  const impact = new Set(f.impact.map(folded));
  return f.cause
    .split(/\n\s*\n/)
    .filter((p) => !impact.has(folded(p)))
    .join('\n\n');
}

/**
 * Short names for a list of paths: relative to their common directory (the full path stays on
 * evidence lines). Returns the prefix removed ('' when there is none worth removing).
 */
export function shortPaths(names: string[]): { prefix: string; short: (name: string) => string } {
  const paths = [...new Set(names.filter((n) => n.includes('/') || n.includes('\\')))];
  if (paths.length === 0) return { prefix: '', short: (n) => n };
  const split = paths.map((p) => p.split(/(?<=[\\/])/));
  let common = 0;
  const first = split[0]!;
  // The common directory: never the file name itself.
  while (common < first.length - 1 && split.every((s) => common < s.length - 1 && s[common] === first[common])) common++;
  const prefix = first.slice(0, common).join('');
  if (prefix.length < 8) return { prefix: '', short: (n) => n };
  return { prefix, short: (n) => (n.startsWith(prefix) ? n.slice(prefix.length) : n) };
}

/** The sentence that opens the findings when there are none. */
export function noFindingLine(d: Diagnosis): string {
  if (!d.inputs.some((i) => i.bytes > 0)) return 'Nothing to diagnose: no log line was read.';
  const unknown = d.unknown.filter((g) => !g.benign).length;
  return unknown > 0 ? `No known failure found; ${unknown} failure${unknown === 1 ? '' : 's'} no pattern knows ${unknown === 1 ? 'is' : 'are'} listed below.` : 'No known failure found.';
}
