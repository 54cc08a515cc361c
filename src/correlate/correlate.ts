// Correlation: groups pattern signals into findings and joins them, by Flink identities (job,
// checkpoint, task, attempt, host) and time, with the facts: the checkpoint timeline, job restarts
// and failures, configuration. Consequences are attached to the root finding that caused them.
// Rendering is report/'s job.

import type {
  ConfigChangeLine,
  CheckpointRecord,
  CheckpointRun,
  ConfigEntry,
  Consequence,
  Evidence,
  Finding,
  JobTransition,
  Role,
  Signal,
  SourceInfo,
} from '../model.js';
import { formatConfigChange, severityRank } from '../model.js';
import { roleOfLogger, type Facts, type CheckpointFact, type JobFact } from '../detect/facts.js';
import { appliesTo, fillTemplate, type Pattern } from '../detect/pattern.js';
import { analyseLocalDir, type LocalDirAnalysis } from './rocksdb-localdir.js';
import { errnoInfo } from './errno.js';
import type { SignalTally } from '../detect/thinning.js';
import { mergeHosts } from '../hosts.js';

export interface CorrelateInput {
  patterns: Pattern[];
  signals: Signal[];
  facts: Facts;
  sources: SourceInfo[];
  /** Signals counted but not kept, by pattern (detect/thinning.ts): counted into their finding. */
  tallies?: Map<string, SignalTally>;
}

export interface CorrelateOutput {
  findings: Finding[];
  checkpoints: CheckpointRecord[];
  checkpointRuns: CheckpointRun[];
  jobTransitions: JobTransition[];
}

const MAX_EVIDENCE = 6;
/** How long after a root failure a restart or job failure is still attributed to it. */
const CONSEQUENCE_WINDOW_MS = 10 * 60 * 1000;

/** Builds findings from signals and facts. */
export function correlate(input: CorrelateInput): CorrelateOutput {
  const { patterns, facts, sources } = input;
  const byId = new Map(patterns.map((p) => [p.id, p]));
  // A pattern for some Flink versions only: a line read before the source's version was known (a
  // banner further on, or in an earlier byte range read by another lane) is judged here.
  const signals = input.signals.filter((s) => appliesTo(byId.get(s.patternId) ?? {}, sources[s.event.sourceIndex]?.flinkVersion ?? null));
  const { checkpoints, checkpointRuns } = buildTimeline(facts, facts.names);
  const jobTransitions: JobTransition[] = facts.jobs
    .filter((j) => j.kind === 'transition')
    .map((j) => ({ job: j.job!, name: j.name ?? '', from: j.from!, to: j.to!, time: j.time, timeMs: j.timeMs, source: sources[j.source]?.name ?? '', line: j.line, cause: j.cause }));

  const groups = new Map<string, Signal[]>();
  for (const s of signals) {
    let g = groups.get(s.patternId);
    if (!g) groups.set(s.patternId, (g = []));
    g.push(s);
  }

  const roots: Built[] = [];
  const consequencePatterns: [Pattern, Signal[]][] = [];
  for (const [id, sigs] of groups) {
    const p = byId.get(id);
    if (!p) continue;
    if (p.role === 'consequence') consequencePatterns.push([p, sigs]);
    else roots.push(buildFinding(p, sigs, input));
  }

  // Configuration-only checks, unless a finding from the logs already explains the same thing.
  for (const p of patterns) {
    if (p.check === 'rocksdb-localdir-on-shared-fs') {
      const f = localDirCheck(p, input, roots);
      if (f) roots.push(f);
    }
  }

  attachTimeline(roots, facts, sources);
  const standalone: Built[] = [];
  for (const [p, sigs] of consequencePatterns) {
    const unattached: Signal[] = [];
    for (const s of sigs) {
      const root = rootFor(roots, s.event.timeMs, s.identity.job ?? null, s.identity.checkpoint ?? null);
      if (root) addConsequence(root, p.id, p.title, [s], sources);
      else unattached.push(s);
    }
    if (unattached.length === 0) continue;
    const built = buildFinding(p, unattached, input, checkpoints);
    if (p.transient === 'until-next-checkpoint' && unattached.every((s) => followedByCheckpoint(checkpoints, checkpointRuns, s))) {
      built.finding.severity = 'info';
      built.finding.impact.unshift('Each time, a later checkpoint of the same job was triggered: the tasks were starting or restarting, and the condition resolved itself.');
    }
    standalone.push(built);
  }
  summarizeImpact(roots, facts);

  const findings = [...roots, ...standalone].map((b) => b.finding);
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.firstSeen ?? '').localeCompare(b.firstSeen ?? '') || a.id.localeCompare(b.id));
  return { findings, checkpoints, checkpointRuns, jobTransitions };
}

/**
 * Whether a checkpoint of the signal's job (of any job when it names none) was triggered or
 * completed after it (log-local times): a checkpoint is only triggered when all tasks run.
 */
function followedByCheckpoint(checkpoints: CheckpointRecord[], runs: CheckpointRun[], s: Signal): boolean {
  const t = s.event.time;
  if (!t) return false;
  const job = s.identity.job ?? null;
  const sameJob = (j: string) => !job || !j || j === job;
  return checkpoints.some((c) => ((c.triggeredAt !== null && c.triggeredAt > t) || (c.state === 'completed' && c.endedAt !== null && c.endedAt > t)) && sameJob(c.job))
    || runs.some((r) => r.lastAt !== null && r.lastAt > t && sameJob(r.job));
}

interface Built {
  finding: Finding;
  signals: Signal[];
  times: number[];
}

function roleOf(sources: SourceInfo[], i: number): Role {
  return sources[i]?.role ?? 'unknown';
}

/** Role of the process that wrote an event: from its logger when that is side-specific, else its source's. */
function eventRole(sources: SourceInfo[], e: { sourceIndex: number; logger: string | null }): Role {
  return (e.logger ? roleOfLogger(e.logger) : null) ?? roleOf(sources, e.sourceIndex);
}

function evidenceOf(s: Signal, sources: SourceInfo[]): Evidence {
  return { source: sources[s.event.sourceIndex]?.name ?? '?', line: s.line, role: eventRole(sources, s.event), text: s.text.trim().length > 0 ? s.text : s.event.message, time: s.event.time };
}

function uniq<T>(xs: Iterable<T>): T[] {
  return [...new Set(xs)];
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

function stripTime(t: string): string {
  return t.replace(/^\S*\d{2}:\d{2}:\d{2}\S*\s+/, '').trim();
}

function buildFinding(p: Pattern, sigs: Signal[], input: CorrelateInput, _timeline?: CheckpointRecord[]): Built {
  const { sources, facts } = input;
  const sorted = [...sigs].sort((a, b) => (a.event.timeMs ?? Infinity) - (b.event.timeMs ?? Infinity) || a.event.sourceIndex - b.event.sourceIndex || a.line - b.line);
  // A job id seen on one signal of a checkpoint+task applies to the others of the same failure.
  const jobByCheckpoint = new Map<number, string>();
  for (const s of sorted) if (s.identity.job && s.identity.checkpoint !== undefined) jobByCheckpoint.set(s.identity.checkpoint, s.identity.job);
  for (const s of sorted) if (!s.identity.job && s.identity.checkpoint !== undefined && jobByCheckpoint.has(s.identity.checkpoint)) s.identity.job = jobByCheckpoint.get(s.identity.checkpoint)!;

  const occurrences = new Set(sorted.map((s) => occurrenceKey(p, s)));
  const times = sorted.map((s) => s.event.timeMs).filter((t): t is number => t !== null);
  const timed = sorted.filter((s) => s.event.time);
  // Signals that were counted but not kept: their number, and checkpoints no kept signal names.
  const tally = input.tallies?.get(p.id);
  const checkpointIds = uniq([...sorted.map((s) => s.identity.checkpoint).filter((c): c is number => c !== undefined), ...(tally?.checkpoints ?? [])]).sort((a, b) => a - b);
  const moreOccurrences = tally ? checkpointIds.length - uniq(sorted.map((s) => s.identity.checkpoint).filter((c) => c !== undefined)).length : 0;
  const jobs = uniq(sorted.map((s) => s.identity.job).filter((j): j is string => !!j));
  const tasks = uniq(sorted.map((s) => s.identity.task).filter((t): t is string => !!t)).sort(naturalCompare);
  const attempts = new Set(sorted.map((s) => s.identity.attempt).filter((a): a is string => !!a));
  const hosts = new Set<string>();
  for (const s of sorted) {
    if (s.identity.host) hosts.add(s.identity.host);
    const src = sources[s.event.sourceIndex];
    if (src && src.role === 'taskmanager') src.hosts.forEach((h) => hosts.add(h));
  }
  for (const tf of facts.taskFailures) if (attempts.has(tf.attempt) && tf.host) hosts.add(tf.host);

  const first = sorted[0]!;
  const values: Record<string, string | undefined> = { ...first.fields };
  if (first.fields.errno) {
    const info = errnoInfo(first.fields.errno);
    values.errnoName = info.name;
    values.errnoMeaning = info.meaning;
  }
  values.checkpoints = checkpointIds.length > 0 ? formatIds(checkpointIds) : 'unknown';
  values.checkpointsPhrase = checkpointIds.length === 0 ? 'checkpoints' : checkpointIds.length === 1 ? `checkpoint ${checkpointIds[0]}` : `checkpoints ${formatIds(checkpointIds)}`;
  values.firstSeen = timed[0]?.event.time ?? undefined;
  values.tasks = tasks.join(', ');
  values.hosts = [...hosts].join(', ');
  values.jobs = jobs.join(', ');
  values.latestCheckpointFailure = latestFailure(facts, times[0] ?? null) ?? 'not recorded in the input (no JobManager checkpoint lines)';

  const config: ConfigEntry[] = [];
  const unchecked: string[] = [];
  const impact: string[] = [];
  let analysis: LocalDirAnalysis | null = null;
  const tmNames = new Set(sources.filter((s) => s.role === 'taskmanager').map((s) => s.name));
  if (p.analysis === 'rocksdb-localdir') {
    const observed = observedRocksDir(first.fields.instance ?? first.fields.target ?? null);
    analysis = analyseLocalDir(facts.config, tmNames, observed);
    config.push(...analysis.entries);
    Object.assign(values, localDirValues(analysis));
    impact.push(analysis.statement);
    if (!analysis.localDir && !analysis.checkpointDir && !analysis.tmpDirs) {
      unchecked.push('No configuration was found in the input (no "Loading configuration property" lines, no flink-conf.yaml or config.yaml): the RocksDB local dir could not be compared with the checkpoint dir.');
    }
  }
  for (const key of p.config ?? []) {
    for (const c of facts.config) {
      if (c.key === key && !config.some((x) => x.key === c.key && x.value === c.value)) config.push(c);
    }
  }

  const summary = fillTemplate(p.summary, values);
  if (checkpointIds.length === 1) impact.unshift(`Failed checkpoint: ${checkpointIds[0]}${timed[0] ? `, at ${timed[0].event.time}` : ''}.`);
  else if (checkpointIds.length > 1) impact.unshift(`Failed checkpoints: ${formatIds(checkpointIds)} (${checkpointIds.length})${timed[0] ? `, first at ${timed[0].event.time}` : ''}${timed.length > 1 ? `, last at ${timed[timed.length - 1]!.event.time}` : ''}.`);
  if (tasks.length > 0) impact.push(`Operators/subtasks: ${tasks.join(', ')}.`);
  const merged = mergeHosts([...hosts], sources);
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
    hosts: [...hosts],
    impact,
    evidence: pickEvidence(sorted, sources),
    config,
    cause: fillTemplate(p.cause, values).trim(),
    remediation: fillTemplate(p.remediation, values).trim(),
    verify: fillTemplate(p.verify, values).trim(),
    references: p.references,
    consequences: [],
    unchecked,
    ...(analysis ? { configChange: localDirChange(analysis) } : {}),
  };
  return { finding, signals: sorted, times };
}

/** RocksDB's base dir from a path in an error: the part before `job_<id>_op_…`, else the parent dir. */
function observedRocksDir(path: string | null): string | null {
  if (!path) return null;
  const m = /^(.*?)\/job_[0-9a-f]{32}_op_/.exec(path);
  if (m) return m[1] || '/';
  const cut = path.replace(/\/chk[-_]\d+.*$/, '');
  const parent = cut.replace(/\/[^/]*$/, '');
  return parent || cut;
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

function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
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

/** The fix's configuration change: the checkpoint dir stays, RocksDB's local dir moves to a local disk. */
function localDirChange(a: LocalDirAnalysis): ConfigChangeLine[] {
  const ckptKey = a.checkpointDir?.key ?? 'state.checkpoints.dir';
  const localKey = a.localDir?.key === 'state.backend.rocksdb.checkpointdir' ? 'state.backend.rocksdb.localdir' : (a.localDir?.key ?? 'state.backend.rocksdb.localdir');
  return [
    { key: ckptKey, value: a.checkpointDir?.value ?? '<your current durable checkpoint URI>', action: 'keep', note: 'the durable copy stays on the shared filesystem' },
    { key: localKey, value: '/tmp/flink-rocksdb', action: a.localDir ? 'change' : 'add', note: 'a local disk of each TaskManager' },
  ];
}

function localDirValues(a: LocalDirAnalysis): Record<string, string> {
  const ckptKey = a.checkpointDir?.key ?? 'state.checkpoints.dir';
  const localKey = a.localDir?.key === 'state.backend.rocksdb.checkpointdir' ? 'state.backend.rocksdb.localdir' : (a.localDir?.key ?? 'state.backend.rocksdb.localdir');
  return {
    localdir: a.effective?.path ?? 'unknown',
    localdirVia: a.effective?.via ?? 'unknown',
    checkpointDir: a.checkpointDir?.value ?? 'not found in the input',
    checkpointDirKey: ckptKey,
    localdirKey: localKey,
    localdirStatement: a.statement,
    configChange: formatConfigChange(localDirChange(a)),
    newLocaldir: '/tmp/flink-rocksdb',
  };
}

function localDirCheck(p: Pattern, input: CorrelateInput, roots: Built[]): Built | null {
  if (roots.some((r) => r.finding.id === 'rocksdb-hardlink-unsupported')) return null;
  const tmNames = new Set(input.sources.filter((s) => s.role === 'taskmanager').map((s) => s.name));
  const a = analyseLocalDir(input.facts.config, tmNames);
  if (!a.effective || !(a.onCheckpointMount || a.remoteHint)) return null;
  const usesRocks = a.backend ? /rocksdb/i.test(a.backend.value) : !!a.localDir;
  if (!usesRocks) return null;
  const values = localDirValues(a);
  const ev: Evidence[] = a.entries.map((c) => ({ source: c.source, line: c.line, role: input.sources.find((s) => s.name === c.source)?.role ?? 'unknown', text: `${c.key}: ${c.value}` }));
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
    impact: [a.statement],
    evidence: ev.slice(0, MAX_EVIDENCE),
    config: a.entries,
    cause: fillTemplate(p.cause, values).trim(),
    remediation: fillTemplate(p.remediation, values).trim(),
    verify: fillTemplate(p.verify, values).trim(),
    references: p.references,
    consequences: [],
    unchecked: [],
    configChange: localDirChange(a),
  };
  return { finding, signals: [], times: [] };
}

/** Rebuilds one record per job and checkpoint from the JobManager's checkpoint lines. */
function buildTimeline(facts: Facts, names: string[]): { checkpoints: CheckpointRecord[]; checkpointRuns: CheckpointRun[] } {
  const t = facts.timeline;
  t.settle();
  const checkpoints: CheckpointRecord[] = [];
  const checkpointRuns: CheckpointRun[] = [];
  for (const job of t.jobIds()) {
    for (const e of t.entries(job)) {
      checkpoints.push({ job, id: e.id, state: e.state, triggeredAt: e.triggeredAt, endedAt: e.endedAt, durationMs: e.durationMs, bytes: e.bytes, reason: e.reason, source: names[e.source] ?? '', line: e.line });
    }
    for (const f of t.folds(job)) checkpointRuns.push({ job, ...f, count: f.lastId - f.firstId + 1, source: names[f.source] ?? '' });
  }
  return { checkpoints, checkpointRuns };
}

/** The root finding a consequence at `time` (job, checkpoint) belongs to, if any. */
function rootFor(roots: Built[], time: number | null, job: string | null, checkpoint: number | null): Built | null {
  let best: Built | null = null;
  let bestT = -Infinity;
  const live = roots.reduce((n, x) => n + (x.signals.length > 0 ? 1 : 0), 0);
  for (const r of roots) {
    if (r.signals.length === 0) continue;
    if (job && r.finding.jobs.length > 0 && !r.finding.jobs.includes(job)) continue;
    if (checkpoint !== null && checkpointsOf(r).has(checkpoint) && (!job || r.finding.jobs.length === 0 || r.finding.jobs.includes(job))) return r;
    if (time === null || r.times.length === 0) {
      if (live === 1) return r;
      continue;
    }
    // r.times is ascending: the latest time at or before time + 1 s, found by bisection.
    const t = latestAtOrBefore(r.times, time + 1000);
    if (t === null || time - t > CONSEQUENCE_WINDOW_MS) continue;
    if (t > bestT || (t === bestT && best && severityRank(r.finding.severity) > severityRank(best.finding.severity))) {
      best = r;
      bestT = t;
    }
  }
  return best;
}

/** The greatest value of ascending `xs` that is at most `limit`, or null. */
function latestAtOrBefore(xs: number[], limit: number): number | null {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 ? xs[lo - 1]! : null;
}

const checkpointSets = new WeakMap<Built, Set<number>>();

/** A root finding's checkpoint ids as a set (looked up once per consequence). */
function checkpointsOf(r: Built): Set<number> {
  let set = checkpointSets.get(r);
  if (!set) checkpointSets.set(r, (set = new Set(r.finding.checkpoints)));
  return set;
}

const consequenceKeys = new WeakMap<Consequence, Set<string>>();

/** Adds items to a root finding's consequence `id`; items with an already-seen `key` are not counted again. */
function addConsequence(root: Built, id: string, title: string, items: (Signal | Evidence)[], sources: SourceInfo[], key?: string): void {
  let c = root.finding.consequences.find((x) => x.id === id);
  if (!c) {
    c = { id, title, count: 0, evidence: [] } as Consequence;
    root.finding.consequences.push(c);
    consequenceKeys.set(c, new Set());
  }
  const keys = consequenceKeys.get(c)!;
  if (key !== undefined) {
    if (keys.has(key)) return;
    keys.add(key);
  }
  for (const it of items) {
    c.count++;
    if (c.evidence.length < 3) c.evidence.push('patternId' in it ? evidenceOf(it, sources) : it);
  }
}

function factEvidence(f: CheckpointFact | JobFact, sources: SourceInfo[]): Evidence {
  return { source: sources[f.source]?.name ?? '?', line: f.line, role: sources[f.source]?.role ?? 'unknown', text: f.text, time: f.time };
}

/** Attaches checkpoint failures, task failures, restarts and job failures to root findings. */
function attachTimeline(roots: Built[], facts: Facts, sources: SourceInfo[]): void {
  const live = roots.filter((r) => r.signals.length > 0);
  if (live.length === 0) return;
  for (const c of facts.checkpoints) {
    if (c.kind === 'triggered' || c.kind === 'completed' || c.kind === 'restored' || c.id === null) continue;
    const r = live.find((x) => checkpointsOf(x).has(c.id!) && (!c.job || x.finding.jobs.length === 0 || x.finding.jobs.includes(c.job)));
    if (!r) continue;
    const titles: Record<string, [string, string]> = {
      declined: ['checkpoint-declined', 'The JobManager recorded the checkpoint as declined'],
      discarded: ['checkpoint-declined', 'The JobManager recorded the checkpoint as declined'],
      failed: ['checkpoint-failed', 'The JobManager recorded the checkpoint as failed'],
      aborted: ['checkpoint-aborted', 'The pending checkpoint was aborted because tasks restarted'],
      expired: ['checkpoint-timed-out', 'The JobManager recorded the checkpoint as expired'],
    };
    const [id, title] = titles[c.kind]!;
    addConsequence(r, id, title, [factEvidence(c, sources)], sources, `${c.job}#${c.id}`);
  }
  // Task failures whose cause chain carries the root signature are already signals; count them.
  for (const r of live) {
    const failed = r.signals.filter((s) => / switched from [A-Z_]+ to FAILED/.test(s.event.message));
    const attempts = new Set(failed.map((s) => s.identity.attempt ?? `${s.event.sourceIndex}:${s.line}`));
    if (failed.length > 0) {
      addConsequence(r, 'task-failure', 'Tasks failed with this error and were restarted', [], sources);
      const c = r.finding.consequences.find((x) => x.id === 'task-failure')!;
      c.count = attempts.size;
      c.evidence = failed.slice(0, 3).map((s) => evidenceOf(s, sources));
    }
  }
  for (const j of facts.jobs) {
    let id: string;
    let title: string;
    if (j.kind === 'transition' && j.to === 'RESTARTING') [id, title] = ['job-restart', 'The job restarted'];
    else if (j.kind === 'transition' && j.to === 'FAILED') [id, title] = ['job-failed', 'The job failed'];
    else if (j.kind === 'global-failover') [id, title] = ['global-failover', 'The JobManager triggered a global failover'];
    else continue;
    const r = rootFor(live, j.timeMs, j.job, null);
    if (r) addConsequence(r, id, title, [factEvidence(j, sources)], sources);
  }
}

/** Adds impact sentences derived from the timeline and the attached consequences. */
function summarizeImpact(roots: Built[], facts: Facts): void {
  for (const r of roots.filter((x) => x.signals.length > 0)) {
    const f = r.finding;
    const restarts = f.consequences.find((c) => c.id === 'job-restart');
    if (restarts) f.impact.push(`The job restarted ${restarts.count} time${restarts.count === 1 ? '' : 's'} after the failure began.`);
    if (f.consequences.some((c) => c.id === 'job-failed')) f.impact.push('The job ended in state FAILED.');
    const has = (id: string): boolean => f.consequences.some((c) => c.id === id);
    if (f.checkpoints.length > 0 && has('checkpoint-declined')) {
      f.impact.push(`The failing snapshots were declined to the JobManager (Flink 1.9–1.10 behaviour)${has('checkpoint-tolerable-failures') ? ', which failed the job over once more checkpoints had failed than tolerated' : ''}.`);
    } else if (f.checkpoints.length > 0 && has('task-failure')) {
      f.impact.push('Each failed snapshot failed its task (Flink 1.11+ behaviour): the job restarts and fails again at the next checkpoint.');
    }
    const jobsKnown = f.jobs.length > 0 ? f.jobs : uniq([...facts.timeline.jobIds(), ...facts.checkpoints.map((c) => c.job).filter((j): j is string => !!j)]);
    const firstFail = f.checkpoints[0];
    for (const job of jobsKnown) {
      const last = facts.timeline.lastCompleted(job, firstFail ?? null);
      if (last) f.impact.push(`Last completed checkpoint before the failures: ${last.id} of job ${job}${last.at ? ` at ${last.at}` : ''}.`);
      else if (facts.timeline.has(job) || facts.checkpoints.some((c) => c.job === job)) f.impact.push(`No checkpoint of job ${job} completed in the logs before the failures.`);
    }
  }
}
