// The finding for a job that restarted, failed or stopped completing checkpoints while no known
// failure explains it (the `check: job-unstable` pattern): what happened to the job, from the
// JobManager's job states and checkpoint records, and the top failure no pattern knows as the
// likely cause. Without it such a log would read "No known failure found." and exit 0.

import { severityRank, type CheckpointRecord, type Evidence, type Finding, type JobTransition, type Severity, type SourceInfo, type UnknownGroup } from '../model.js';
import { fillTemplate, type Pattern } from '../detect/pattern-spec.js';

export interface JobUnstableInput {
  patterns: Pattern[];
  /** Findings from the patterns, kept and muted: a job one of them explains gets no finding here. */
  findings: Finding[];
  unknown: UnknownGroup[];
  checkpoints: CheckpointRecord[];
  jobTransitions: JobTransition[];
  sources: SourceInfo[];
}

const FAILED_CHECKPOINT = new Set(['failed', 'declined', 'expired', 'aborted']);

/** What happened to one job, from the JobManager log. */
interface JobTrouble {
  job: string;
  name: string;
  restarts: JobTransition[];
  failed: JobTransition | null;
  /** Checkpoints that did not complete after the last completed one (or all, when none completed). */
  stalled: CheckpointRecord[];
  lastCompleted: CheckpointRecord | null;
}

function troubles(checkpoints: CheckpointRecord[], transitions: JobTransition[]): JobTrouble[] {
  const jobs = new Map<string, JobTrouble>();
  const of = (job: string): JobTrouble => {
    let t = jobs.get(job);
    if (!t) jobs.set(job, (t = { job, name: '', restarts: [], failed: null, stalled: [], lastCompleted: null }));
    return t;
  };
  for (const j of transitions) {
    const t = of(j.job);
    if (j.name) t.name = j.name;
    if (j.to === 'RESTARTING') t.restarts.push(j);
    else if (j.to === 'FAILED') t.failed = j;
    else if (j.to === 'RUNNING' && t.failed) t.failed = null; // resubmitted / recovered
  }
  const byJob = new Map<string, CheckpointRecord[]>();
  for (const c of checkpoints) (byJob.get(c.job) ?? byJob.set(c.job, []).get(c.job)!).push(c);
  for (const [job, list] of byJob) {
    const sorted = [...list].sort((a, b) => a.id - b.id);
    let last = -1;
    sorted.forEach((c, i) => {
      if (c.state === 'completed') last = i;
    });
    const t = of(job);
    t.lastCompleted = last >= 0 ? sorted[last]! : null;
    t.stalled = sorted.slice(last + 1).filter((c) => FAILED_CHECKPOINT.has(c.state));
  }
  return [...jobs.values()].filter((t) => t.restarts.length > 0 || t.failed || t.stalled.length > 0);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function whatHappened(t: JobTrouble): string {
  const parts: string[] = [];
  if (t.restarts.length) parts.push(`restarted ${t.restarts.length}×${t.restarts[0]!.time ? ` (first at ${t.restarts[0]!.time})` : ''}`);
  if (t.failed) parts.push(`failed${t.failed.time ? ` at ${t.failed.time}` : ''}`);
  if (t.stalled.length) {
    const since = t.lastCompleted ? `since checkpoint ${t.lastCompleted.id}${t.lastCompleted.endedAt ? ` at ${t.lastCompleted.endedAt}` : ''}` : 'in the logs';
    parts.push(`completed no checkpoint ${since} (${plural(t.stalled.length, 'checkpoint')} failed or aborted after it)`);
  }
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : parts[0]!;
}

/** The finding's severity: a failed job is critical, restarts an error, stalled checkpoints a warning. */
function severityOf(t: JobTrouble): Severity {
  if (t.failed) return 'critical';
  if (t.restarts.length) return 'error';
  return 'warning';
}

function evidence(j: JobTransition | CheckpointRecord, sources: SourceInfo[], text: string, time: string | null): Evidence {
  return { source: j.source, line: j.line, role: sources.find((s) => s.name === j.source)?.role ?? 'jobmanager', text, time };
}

/** A group's failure as logged (its sample's exception line), else its normalised text. */
function groupText(g: UnknownGroup): string {
  const shown = g.exception ? g.sample.text.map((l) => l.trim().replace(/^Caused by: /, '')).find((l) => l.startsWith(`${g.exception}:`) || l === g.exception) : undefined;
  if (shown) return shown.length > 300 ? `${shown.slice(0, 299)}…` : shown;
  return g.exception ? (g.message ? `${g.exception}: ${g.message}` : g.exception) : g.message;
}

/** One finding per job that restarted, failed or stalled while no other finding explains it. */
export function jobUnstableFindings(input: JobUnstableInput): Finding[] {
  const pattern = input.patterns.find((p) => p.check === 'job-unstable');
  if (!pattern) return [];
  // A finding of warning or above explains a job it names, and any job when it names none; one
  // whose pattern says only what happened to the job (`explainsJob: false`, e.g. the restart
  // strategy gave up) does not.
  const outcomeOnly = new Set(input.patterns.filter((p) => p.explainsJob === false).map((p) => p.id));
  const explaining = input.findings.filter((f) => severityRank(f.severity) >= severityRank('warning') && !outcomeOnly.has(f.id));
  const explained = (job: string): boolean => explaining.some((f) => f.jobs.length === 0 || f.jobs.includes(job));
  const likely = input.unknown.find((g) => !g.benign && g.nearFailures > 0) ?? input.unknown.find((g) => !g.benign) ?? null;
  const out: Finding[] = [];
  for (const t of troubles(input.checkpoints, input.jobTransitions)) {
    if (explained(t.job)) continue;
    const firstCause = t.failed?.cause ?? t.restarts.find((r) => r.cause)?.cause ?? null;
    const likelyCause = likely ? `${groupText(likely)} [${likely.fingerprint}], ${likely.count}× in ${likely.sources.slice(0, 2).join(', ')}${likely.sources.length > 2 ? ` and ${likely.sources.length - 2} more` : ''}` : firstCause ? `the JobManager's reason: ${firstCause}` : 'none found: no unknown error or warning in the logs';
    const likelyWhy = likely ? likely.reasons.join('; ') || 'ranked first' : 'no failure outside the known patterns was logged';
    const values: Record<string, string> = {
      job: t.name ? `${t.name} (${t.job})` : t.job,
      whatHappened: whatHappened(t),
      likelyCause,
      likelyWhy,
      fingerprint: likely?.fingerprint ?? '<fingerprint>',
    };
    const ev: Evidence[] = [];
    if (likely) ev.push({ source: likely.sample.source, line: likely.sample.line, role: likely.roles[0] ?? 'unknown', text: likely.sample.text[0] ?? likely.message, time: likely.firstSeen });
    for (const r of t.restarts.slice(0, 2)) ev.push(evidence(r, input.sources, `Job ${t.name || t.job} switched from state ${r.from} to ${r.to}.${r.cause ? ` ${r.cause}` : ''}`, r.time));
    if (t.failed) ev.push(evidence(t.failed, input.sources, `Job ${t.name || t.job} switched from state ${t.failed.from} to FAILED.${t.failed.cause ? ` ${t.failed.cause}` : ''}`, t.failed.time));
    for (const c of t.stalled.slice(0, 2)) ev.push(evidence(c, input.sources, `Checkpoint ${c.id} of job ${t.job} ${c.state}${c.reason ? `: ${c.reason}` : ''}`, c.endedAt ?? c.triggeredAt));
    const times = [...t.restarts.map((r) => r.time), t.failed?.time ?? null, ...t.stalled.map((c) => c.endedAt ?? c.triggeredAt)].filter((x): x is string => !!x).sort();
    const impact: string[] = [];
    if (t.restarts.length) impact.push(`The job restarted ${t.restarts.length} time${t.restarts.length === 1 ? '' : 's'}.`);
    if (t.failed) impact.push('The job ended in state FAILED.');
    if (t.stalled.length) impact.push(t.lastCompleted ? `Last completed checkpoint: ${t.lastCompleted.id}${t.lastCompleted.endedAt ? ` at ${t.lastCompleted.endedAt}` : ''}; ${plural(t.stalled.length, 'later checkpoint')} did not complete.` : `No checkpoint completed in the logs; ${plural(t.stalled.length, 'checkpoint')} did not complete.`);
    out.push({
      id: pattern.id,
      title: pattern.title,
      severity: severityOf(t),
      summary: fillTemplate(pattern.summary, values),
      occurrences: t.restarts.length + (t.failed ? 1 : 0) + t.stalled.length,
      events: t.restarts.length + (t.failed ? 1 : 0) + t.stalled.length,
      firstSeen: times[0] ?? null,
      lastSeen: times[times.length - 1] ?? null,
      checkpoints: t.stalled.map((c) => c.id),
      jobs: [t.job],
      tasks: [],
      hosts: [],
      impact,
      evidence: ev.slice(0, 6),
      config: [],
      cause: fillTemplate(pattern.cause, values).trim(),
      remediation: fillTemplate(pattern.remediation, values).trim(),
      verify: fillTemplate(pattern.verify, values).trim(),
      references: pattern.references,
      consequences: [],
      unchecked: likely ? [] : ['No failure outside the known patterns was logged: the cause may be in a log that is not in the input (a TaskManager log, the client).'],
    });
  }
  return out;
}
