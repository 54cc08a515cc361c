// A finding from one pattern's signals: occurrences, identities, evidence, the values its texts
// are filled with, and what its analyses add (configuration, facts, impact, the configuration
// change). What the failure led to is added by chain.ts, the impact by job by impact.ts.

import type { ConfigEntry, Evidence, Finding, Role, Signal, SourceInfo } from '../model.js';
import type { CheckpointFact, Facts } from '../detect/facts.js';
import { roleOfLogger } from '../detect/extract.js';
import { fillTemplate, type Pattern } from '../detect/pattern-spec.js';
import { analysesOf, analysisNamed, type AnalysisResult } from './analyses/index.js';
import type { SignalTally } from '../detect/thinning.js';
import { mergeHosts } from '../hosts.js';

const MAX_EVIDENCE = 6;

/** What correlate/ needs of the run: patterns, signals, facts and sources. */
export interface CorrelateInput {
  patterns: Pattern[];
  signals: Signal[];
  facts: Facts;
  sources: SourceInfo[];
  /** Signals counted but not kept, by pattern (detect/thinning.ts): counted into their finding. */
  tallies?: Map<string, SignalTally>;
  /**
   * Called once the causal graph is built and its causes assigned, when the search's working data
   * (indexes, candidate scores) is garbage: the command line collects it there (run/heap.ts).
   */
  settle?: () => void;
}

/** A finding and the signals it was built from. */
export interface Built {
  finding: Finding;
  pattern: Pattern;
  signals: Signal[];
  /** The values the finding's texts were filled from (captures, built-in values, analyses'). */
  values: Record<string, string | undefined>;
}

export function uniq<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
}

export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

/** `7–12` for runs, commas otherwise, shortened in the middle when long. */
export function formatIds(ids: number[]): string {
  const sorted = uniq(ids).sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  if (parts.length > 8) return `${parts.slice(0, 4).join(', ')}, …, ${parts.slice(-3).join(', ')}`;
  return parts.join(', ');
}

function roleOf(sources: SourceInfo[], i: number): Role {
  return sources[i]?.role ?? 'unknown';
}

/** Role of the process that wrote an event: from its logger when that is side-specific, else its source's. */
function eventRole(sources: SourceInfo[], e: { sourceIndex: number; logger: string | null }): Role {
  return (e.logger ? roleOfLogger(e.logger) : null) ?? roleOf(sources, e.sourceIndex);
}

export function evidenceOf(s: Signal, sources: SourceInfo[]): Evidence {
  return { source: sources[s.event.sourceIndex]?.name ?? '?', line: s.line, role: eventRole(sources, s.event), text: s.text.trim().length > 0 ? s.text : s.event.message, time: s.event.time };
}

/**
 * A decisive line without the time it starts with: `09:00:00,123`, `2024-03-11T09:00:00.123Z`, or
 * the date and time of the usual layout, `2024-03-11 09:00:00,123` (two words).
 */
function stripTime(t: string): string {
  return t.replace(/^(?:\d{4}[-/]\d{2}[-/]\d{2}\s+)?\S*\d{2}:\d{2}:\d{2}\S*\s+/, '').trim();
}

function occurrenceKey(p: Pattern, s: Signal): string {
  const keys = p.occurrenceKey ?? ['job', 'checkpoint', 'task'];
  const value = (k: string): string | undefined => {
    if (k === 'text') return stripTime(s.text);
    const id = (s.identity as Record<string, unknown>)[k];
    return id !== undefined ? String(id) : s.fields[k];
  };
  const parts = keys.map(value);
  if (parts.every((v, i) => v === undefined || keys[i] === 'job')) {
    // Nothing but the job is known: one occurrence per distinct decisive text.
    return `${s.identity.job ?? ''}|${stripTime(s.text)}`;
  }
  return parts.map((v) => v ?? '').join('|');
}

/** Signals by time, then source and line. */
export function byTime(sigs: Signal[]): Signal[] {
  return [...sigs].sort((a, b) => (a.event.timeMs ?? Infinity) - (b.event.timeMs ?? Infinity) || a.event.sourceIndex - b.event.sourceIndex || a.line - b.line);
}

/** A job id seen on one signal of a checkpoint applies to the others of the same failure. */
export function shareJobs(sorted: Signal[]): void {
  const jobByCheckpoint = new Map<number, string>();
  for (const s of sorted) if (s.identity.job && s.identity.checkpoint !== undefined) jobByCheckpoint.set(s.identity.checkpoint, s.identity.job);
  for (const s of sorted) if (!s.identity.job && s.identity.checkpoint !== undefined && jobByCheckpoint.has(s.identity.checkpoint)) s.identity.job = jobByCheckpoint.get(s.identity.checkpoint)!;
}

/** `checkpoint 3`, `checkpoints 7–8`, or per job when the checkpoints belong to several jobs. */
function checkpointsPhrase(sorted: Signal[], ids: number[], names: Map<string, string>): string {
  const byJob = new Map<string, number[]>();
  for (const s of sorted) {
    if (s.identity.checkpoint === undefined || !s.identity.job) continue;
    let list = byJob.get(s.identity.job);
    if (!list) byJob.set(s.identity.job, (list = []));
    if (!list.includes(s.identity.checkpoint)) list.push(s.identity.checkpoint);
  }
  if (byJob.size > 1) {
    return [...byJob].map(([job, cps]) => `${cps.length === 1 ? 'checkpoint' : 'checkpoints'} ${formatIds(cps)} of job ${names.get(job) ?? job}`).join(' and ');
  }
  return ids.length === 0 ? 'checkpoints' : ids.length === 1 ? `checkpoint ${ids[0]}` : `checkpoints ${formatIds(ids)}`;
}

/**
 * What a checkpoint a finding's lines name went through: what the pattern says (namedCheckpoints,
 * failed by default), but completed where the JobManager recorded it so, for one of `jobs` (for any
 * job when the lines name none).
 */
export function namedCheckpointState(p: Pattern, facts: Facts, jobs: readonly string[], id: number): 'failed' | 'completed' | 'subsumed' {
  const named = p.namedCheckpoints ?? 'failed';
  if (named === 'completed') return named;
  const timeline = facts.timeline;
  return (jobs.length > 0 ? jobs : timeline.jobIds()).some((job) => timeline.completed(job, id)) ? 'completed' : named;
}

/** The impact sentences about checkpoints, operators and hosts that mix the jobs of a finding (summarizeImpact replaces them per job). */
export const MIXED_JOBS_SENTENCE = /^(?:Failed checkpoints?: |Checkpoints? named that completed: |Checkpoints? dropped for a newer one: |Operators\/subtasks: |Hosts: )/;

/** Builds a finding from signals of one pattern. */
export function buildFinding(p: Pattern, sigs: Signal[], input: CorrelateInput, jobNames: Map<string, string>): Built {
  const { sources, facts } = input;
  const sorted = byTime(sigs);
  shareJobs(sorted);

  const occurrences = new Set(sorted.map((s) => occurrenceKey(p, s)));
  const times = sorted.map((s) => s.event.timeMs).filter((t): t is number => t !== null);
  const timed = sorted.filter((s) => s.event.time);
  // Signals that were counted but not kept: their number, and checkpoints no kept signal names.
  const tally = input.tallies?.get(p.id);
  const keptCheckpoints = uniq(sorted.map((s) => s.identity.checkpoint).filter((c): c is number => c !== undefined));
  const checkpointIds = uniq([...keptCheckpoints, ...(tally?.checkpoints ?? [])]).sort((a, b) => a - b);
  const moreOccurrences = tally ? checkpointIds.length - keptCheckpoints.length : 0;
  const jobs = uniq(sorted.map((s) => s.identity.job).filter((j): j is string => !!j));
  const tasks = uniq(sorted.map((s) => s.identity.task).filter((t): t is string => !!t)).sort(naturalCompare);
  const hosts = hostsOf(sorted, facts, sources);

  const first = sorted[0]!;
  const values: Record<string, string | undefined> = { ...first.fields };
  values.checkpoints = checkpointIds.length > 0 ? formatIds(checkpointIds) : 'unknown';
  values.checkpointsPhrase = checkpointsPhrase(sorted, checkpointIds, jobNames);
  values.firstSeen = timed[0]?.event.time ?? undefined;
  values.tasks = tasks.join(', ');
  values.hosts = hosts.join(', ');
  values.jobs = jobs.join(', ');
  values.latestCheckpointFailure = latestFailure(facts, times[0] ?? null) ?? 'not recorded in the input (no JobManager checkpoint lines)';

  const added = analysesOf(p).map((a) => a.enrich?.({ signals: sorted, jobs, facts, sources }) ?? {});
  const config: ConfigEntry[] = added.flatMap((r) => r.config ?? []);
  const unchecked = added.flatMap((r) => r.unchecked ?? []);
  const impact = added.flatMap((r) => r.impact ?? []);
  for (const r of added) Object.assign(values, r.values ?? {});
  addConfig(config, p, facts);

  const summary = fillTemplate(p.summary, values);
  const named: Record<'failed' | 'completed' | 'subsumed', number[]> = { failed: [], completed: [], subsumed: [] };
  for (const id of checkpointIds) named[namedCheckpointState(p, facts, jobs, id)].push(id);
  const { failed, completed, subsumed } = named;
  if (completed.length > 0) impact.unshift(`Checkpoint${completed.length > 1 ? 's' : ''} named that completed: ${formatIds(completed)}.`);
  if (subsumed.length > 0) impact.unshift(`Checkpoint${subsumed.length > 1 ? 's' : ''} dropped for a newer one: ${formatIds(subsumed)}.`);
  if (failed.length === 1) impact.unshift(`Failed checkpoint: ${failed[0]}${timed[0] ? `, at ${timed[0].event.time}` : ''}.`);
  else if (failed.length > 1) impact.unshift(`Failed checkpoints: ${formatIds(failed)} (${failed.length})${timed[0] ? `, first at ${timed[0].event.time}` : ''}${timed.length > 1 ? `, last at ${timed[timed.length - 1]!.event.time}` : ''}.`);
  if (tasks.length > 0) impact.push(`Operators/subtasks: ${tasks.join(', ')}.`);
  // A TaskManager named by its IP in one log and its pod in another is listed once.
  const merged = mergeHosts(hosts, sources);
  if (merged.length > 0) impact.push(`Hosts: ${merged.map((h) => h.label).join(', ')}.`);

  if (!sources.some((s) => s.role === 'jobmanager')) {
    unchecked.push('No JobManager log in the input: the checkpoint timeline, restarts and the job\'s final state were not checked.');
  }

  const finding: Finding = {
    id: p.id,
    title: p.title,
    severity: p.severity,
    summary,
    occurrences: occurrences.size + moreOccurrences,
    events: sorted.length + (tally?.events ?? 0),
    firstSeen: timed[0]?.event.time ?? null,
    lastSeen: timed[timed.length - 1]?.event.time ?? null,
    checkpoints: checkpointIds,
    jobs,
    tasks,
    hosts,
    impact,
    evidence: pickEvidence(sorted, sources),
    config,
    cause: fillTemplate(p.cause, values).trim(),
    remediation: fillTemplate(p.remediation, values).trim(),
    verify: fillTemplate(p.verify, values).trim(),
    references: p.references,
    consequences: [],
    unchecked,
  };
  addAnalysed(finding, added);
  return { finding, pattern: p, signals: sorted, values };
}

/** Facts and the configuration change the analyses established, as fields of the finding. */
function addAnalysed(f: Finding, added: AnalysisResult[]): void {
  const factsOf = Object.assign({}, ...added.map((r) => r.facts ?? {}));
  if (Object.keys(factsOf).length > 0) f.facts = factsOf;
  const change = added.flatMap((r) => r.configChange ?? []);
  if (change.length > 0) f.configChange = change;
}

/** Configuration keys the pattern lists, each value once. */
function addConfig(config: ConfigEntry[], p: Pattern, facts: Facts): void {
  for (const key of p.config ?? []) {
    for (const c of facts.config) {
      if (c.key === key && !config.some((x) => x.key === c.key && x.value === c.value)) config.push(c);
    }
  }
}

/** Hosts of the signals: named on the line, their TaskManager log's, and those of the failed attempts. */
export function hostsOf(sorted: Signal[], facts: Facts, sources: SourceInfo[]): string[] {
  const hosts = new Set<string>();
  const attempts = new Set(sorted.map((s) => s.identity.attempt).filter((a): a is string => !!a));
  for (const s of sorted) {
    if (s.identity.host) hosts.add(s.identity.host);
    const src = sources[s.event.sourceIndex];
    if (src && src.role === 'taskmanager') src.hosts.forEach((h) => hosts.add(h));
  }
  for (const tf of facts.taskFailures) if (attempts.has(tf.attempt) && tf.host) hosts.add(tf.host);
  return [...hosts];
}

/** The reason of the latest failed checkpoint at or before `time` (any time when null). */
function latestFailure(facts: Facts, time: number | null): string | null {
  let best: CheckpointFact | null = null;
  for (const c of facts.checkpoints) {
    if (!['declined', 'discarded', 'failed', 'expired'].includes(c.kind) || !c.reason) continue;
    if (time !== null && c.timeMs !== null && c.timeMs > time) continue;
    if (!best || (c.timeMs ?? 0) >= (best.timeMs ?? 0)) best = c;
  }
  return best ? `${best.reason} (checkpoint ${best.id ?? '?'}${best.job ? ` of job ${best.job}` : ''})` : null;
}

/** The decisive evidence: the first signal per role, then per source, then the latest one. */
function pickEvidence(sorted: Signal[], sources: SourceInfo[]): Evidence[] {
  const chosen: Signal[] = [];
  const has = (s: Signal): boolean => chosen.some((c) => c.event.sourceIndex === s.event.sourceIndex && c.line === s.line);
  const order: Role[] = ['taskmanager', 'jobmanager', 'client', 'unknown'];
  for (const role of order) {
    const s = sorted.find((x) => eventRole(sources, x.event) === role);
    if (s && !has(s)) chosen.push(s);
  }
  for (const s of sorted) {
    if (chosen.length >= MAX_EVIDENCE - 1) break;
    if (!chosen.some((c) => c.event.sourceIndex === s.event.sourceIndex) && !has(s)) chosen.push(s);
  }
  const last = sorted[sorted.length - 1]!;
  if (!has(last) && chosen.length < MAX_EVIDENCE) chosen.push(last);
  return chosen.map((s) => evidenceOf(s, sources));
}

/** A finding from configuration alone (`check:`), or null when the check finds nothing. */
export function checkFinding(p: Pattern, input: CorrelateInput): Built | null {
  const a = p.check ? analysisNamed(p.check) : undefined;
  const r = a?.check?.({ signals: [], jobs: [], facts: input.facts, sources: input.sources });
  if (!r) return null;
  const values = r.values ?? {};
  const finding: Finding = {
    id: p.id,
    title: p.title,
    severity: p.severity,
    summary: fillTemplate(p.summary, values),
    occurrences: 1,
    events: 0,
    firstSeen: null,
    lastSeen: null,
    checkpoints: [],
    jobs: [],
    tasks: [],
    hosts: [],
    impact: r.impact ?? [],
    evidence: r.evidence.slice(0, MAX_EVIDENCE),
    config: r.config ?? [],
    cause: fillTemplate(p.cause, values).trim(),
    remediation: fillTemplate(p.remediation, values).trim(),
    verify: fillTemplate(p.verify, values).trim(),
    references: p.references,
    consequences: [],
    unchecked: [],
  };
  addAnalysed(finding, [r]);
  return { finding, pattern: p, signals: [], values };
}
