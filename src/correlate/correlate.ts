// Correlation: turns pattern signals and facts into findings. The causal graph (graph.ts) gives
// every signal and every event of the facts (task failures, restarts, checkpoint records) at most
// one cause, through the links the patterns declare and Flink's own reactions (links.ts), joined
// only on identities that agree (TaskManager, host, job, checkpoint, attempt, task) within a time
// window. A signal without a cause makes a finding (findings.ts) with what it led to, nested
// (chain.ts) and per job (impact.ts); named analyses add what the pattern asks for. Rendering is
// report/'s job.

import type { CheckpointRecord, CheckpointRun, Finding, JobSummary, JobTransition, Signal } from '../model.js';
import { severityRank } from '../model.js';
import { durationMs, fillTemplate, type Pattern } from '../detect/pattern-spec.js';
import { buildFinding, byTime, checkFinding, shareJobs, uniq, type Built, type CorrelateInput } from './findings.js';
import { buildLinks, declaredCauses } from './links.js';
import { assignCauses, buildNodes, type Node } from './graph.js';
import { causalChain, flatConsequences } from './chain.js';
import { jobImpacts, summarizeImpact } from './impact.js';
import { buildTimeline, jobNames, jobSummaries, jobTransitions as transitionsOf } from './jobs.js';

export type { CorrelateInput } from './findings.js';
export { formatIds } from './findings.js';

export interface CorrelateOutput {
  findings: Finding[];
  checkpoints: CheckpointRecord[];
  checkpointRuns: CheckpointRun[];
  jobTransitions: JobTransition[];
  jobs: JobSummary[];
}

/** Builds findings from signals and facts. */
export function correlate(input: CorrelateInput): CorrelateOutput {
  const { patterns, facts, sources } = input;
  const byId = new Map(patterns.map((p) => [p.id, p]));
  // Signals come judged against their source's Flink version (Detector.applicableSignals).
  const signals = input.signals.filter((s) => byId.has(s.patternId));
  // The lines that show a pattern's condition recovered (its `resolvedBy`), by the resolution's id.
  const resolutionIds = new Set(patterns.flatMap((p) => (p.resolution ? [p.resolution.id] : [])));
  const resolutions = new Map<string, Signal[]>();
  for (const s of input.signals) {
    if (!resolutionIds.has(s.patternId)) continue;
    const list = resolutions.get(s.patternId);
    if (list) list.push(s);
    else resolutions.set(s.patternId, [s]);
  }
  const { checkpoints, checkpointRuns } = buildTimeline(facts);
  const jobTransitions = transitionsOf(facts, sources);
  const names = jobNames(jobTransitions);

  // Signals by pattern, in order of first appearance; a job seen on one signal of a checkpoint applies to the others.
  const groups = new Map<string, Signal[]>();
  for (const s of signals) {
    let g = groups.get(s.patternId);
    if (!g) groups.set(s.patternId, (g = []));
    g.push(s);
  }
  const groupJobs = new Map<string, string[]>();
  for (const [id, sigs] of groups) {
    shareJobs(byTime(sigs));
    groupJobs.set(id, uniq(sigs.map((s) => s.identity.job).filter((j): j is string => !!j)));
  }

  const links = buildLinks(patterns);
  const nodes = buildNodes(signals, byId, groupJobs, facts, sources);
  assignCauses(nodes, links);
  input.settle?.();
  const nodeOf = new Map<Signal, Node>(nodes.filter((n) => n.signal).map((n) => [n.signal!, n]));

  // A finding per pattern from its signals that have no cause in the logs: root failures, and
  // consequences whose cause is missing (those say what to look for).
  const built: { b: Built; nodes: Node[] }[] = [];
  for (const [id, sigs] of groups) {
    const free = sigs.filter((s) => !nodeOf.get(s)!.parent);
    if (free.length === 0) continue;
    const p = byId.get(id)!;
    const b = buildFinding(p, free, input, names);
    if (p.transient === 'until-next-checkpoint' && free.every((s) => followedByCheckpoint(checkpoints, checkpointRuns, s))) {
      b.finding.severity = 'info';
      b.finding.impact.unshift('Each time, a later checkpoint of the same job was triggered: the tasks were starting or restarting, and the condition resolved itself.');
    }
    built.push({ b, nodes: b.signals.map((s) => nodeOf.get(s)!) });
    if (p.role === 'consequence') causeNotFound(b, links);
  }
  // Configuration-only checks, unless a finding from the logs makes them redundant.
  for (const p of patterns) {
    if (!p.check) continue;
    if ((p.supersededBy ?? []).some((id) => built.some((x) => x.b.finding.id === id))) continue;
    const b = checkFinding(p, input);
    if (b) built.push({ b, nodes: [] });
  }

  for (const { b, nodes: own } of built) {
    if (own.length === 0) continue;
    const chain = causalChain(own, byId, sources);
    if (chain.length > 0) b.finding.chain = chain;
    if (b.finding.jobs.length > 0) b.finding.byJob = jobImpacts(b, own, facts, sources, names);
    // A consequence whose cause is missing lists what followed it in `chain` only: its
    // `consequences` and impact sentences are those of a root cause.
    if (b.pattern.role === 'consequence') continue;
    b.finding.consequences = flatConsequences(b, own, byId, sources);
    summarizeImpact(b, own, facts);
  }

  // A condition that recovered each time (its `resolvedBy` line follows every occurrence in the same
  // log) and led to nothing found in the logs is informational.
  for (const { b } of built) {
    const p = b.pattern;
    const recovered = p.resolution ? resolutions.get(p.resolution.id) : undefined;
    if (!recovered || b.finding.consequences.length > 0 || (b.finding.chain?.length ?? 0) > 0) continue;
    const limit = p.resolvedBy?.within ? durationMs(p.resolvedBy.within) : null;
    if (!b.signals.every((s) => recoveredAfter(recovered, s, limit))) continue;
    b.finding.severity = 'info';
    const first = b.signals[0]!;
    const line = recovered.find((r) => r.event.sourceIndex === first.event.sourceIndex) ?? recovered[0]!;
    b.finding.impact.unshift(`Each time, a later line of the same log shows it recovered: "${line.text.trim().slice(0, 200)}".`);
  }

  const findings = built.map((x) => x.b.finding);
  findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (a.firstSeen ?? '').localeCompare(b.firstSeen ?? '') || a.id.localeCompare(b.id));
  return { findings, checkpoints, checkpointRuns, jobTransitions, jobs: jobSummaries(facts, checkpoints, checkpointRuns, jobTransitions) };
}

/**
 * Whether a line of `recovered` follows the signal in the same log: later in time (at most
 * `limit` ms later when given), or, in a log without times, on a later line.
 */
function recoveredAfter(recovered: Signal[], s: Signal, limit: number | null): boolean {
  const t = s.event.timeMs;
  return recovered.some((r) => {
    if (r.event.sourceIndex !== s.event.sourceIndex) return false;
    const rt = r.event.timeMs;
    if (t === null || rt === null) return r.event.line > s.event.line;
    return rt > t && (limit === null || rt - t <= limit);
  });
}

/**
 * Whether a checkpoint of the signal's job (of any job when it names none) was triggered or
 * completed after it (log-local times): a checkpoint is only triggered when all tasks run.
 */
function followedByCheckpoint(checkpoints: CheckpointRecord[], runs: CheckpointRun[], s: Signal): boolean {
  const t = s.event.time;
  if (!t) return false;
  const job = s.identity.job ?? null;
  const sameJob = (j: string): boolean => !job || !j || j === job;
  return (
    checkpoints.some((c) => ((c.triggeredAt !== null && c.triggeredAt > t) || (c.state === 'completed' && c.endedAt !== null && c.endedAt > t)) && sameJob(c.job)) ||
    runs.some((r) => r.lastAt !== null && r.lastAt > t && sameJob(r.job))
  );
}

/** A consequence without its cause in the input: the causes it can have, and what to look for. */
function causeNotFound(b: Built, links: ReturnType<typeof buildLinks>): void {
  const p: Pattern = b.pattern;
  const expected = declaredCauses(links, p.id);
  if (expected.length === 0 && !p.lookFor) return;
  const f = b.finding;
  // The same values as the finding's other texts, with the jobs and hosts it names now.
  const lookFor = p.lookFor ? fillTemplate(p.lookFor, { ...b.values, jobs: f.jobs.join(', '), hosts: f.hosts.join(', ') }).trim() : `Look for ${expected.join(', ')} in the logs of the same job and time.`;
  f.causeNotFound = { expected, lookFor };
}
