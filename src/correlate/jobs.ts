// The JobManager's record per job: the checkpoint timeline (one record per checkpoint, older
// completed ones folded into runs), job state changes, and a summary per job (checkpoints by
// state, the ones that did not complete, the last completed, restarts, the last state).

import type { CheckpointRecord, CheckpointRun, CheckpointState, JobSummary, JobTransition, SourceInfo } from '../model.js';
import type { Facts } from '../detect/facts.js';

/** Rebuilds one record per job and checkpoint from the JobManager's checkpoint lines. */
export function buildTimeline(facts: Facts): { checkpoints: CheckpointRecord[]; checkpointRuns: CheckpointRun[] } {
  const t = facts.timeline;
  const names = facts.names;
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

/** The job state changes, in input order. */
export function jobTransitions(facts: Facts, sources: SourceInfo[]): JobTransition[] {
  return facts.jobs
    .filter((j) => j.kind === 'transition')
    .map((j) => ({ job: j.job!, name: j.name ?? '', from: j.from!, to: j.to!, time: j.time, timeMs: j.timeMs, source: sources[j.source]?.name ?? '', line: j.line, cause: j.cause }));
}

/** Job names from their state changes. */
export function jobNames(transitions: JobTransition[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const t of transitions) if (t.name && !names.has(t.job)) names.set(t.job, t.name);
  return names;
}

const FAILED: CheckpointState[] = ['failed', 'declined', 'expired', 'aborted'];

/** One summary per job that has a checkpoint or a state change, by job id. */
export function jobSummaries(facts: Facts, checkpoints: CheckpointRecord[], runs: CheckpointRun[], transitions: JobTransition[]): JobSummary[] {
  const names = jobNames(transitions);
  // Each list grouped by job once (a session cluster's JobManager runs thousands of jobs).
  const byJob = <T extends { job: string }>(xs: T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of xs) {
      let l = m.get(x.job);
      if (!l) m.set(x.job, (l = []));
      l.push(x);
    }
    return m;
  };
  const [cps, rns, trs] = [byJob(checkpoints), byJob(runs), byJob(transitions)];
  const jobs = [...new Set([...cps.keys(), ...rns.keys(), ...trs.keys()])].sort();
  return jobs.map((job) => {
    const counts: Record<CheckpointState, number> = { triggered: 0, completed: 0, failed: 0, declined: 0, expired: 0, aborted: 0 };
    const failed: number[] = [];
    for (const c of cps.get(job) ?? []) {
      counts[c.state]++;
      if (FAILED.includes(c.state)) failed.push(c.id);
    }
    for (const r of rns.get(job) ?? []) counts.completed += r.count;
    // Checkpoints a long history counted but did not keep one by one (detect/timeline.ts, OLD_KEPT).
    const omitted = facts.timeline.omitted(job);
    for (const k of Object.keys(counts) as CheckpointState[]) counts[k] += omitted[k];
    const own = trs.get(job) ?? [];
    return {
      job,
      name: names.get(job) ?? null,
      checkpoints: counts,
      failedCheckpoints: failed,
      lastCompleted: facts.timeline.lastCompleted(job, null),
      restarts: own.filter((t) => t.to === 'RESTARTING').length,
      state: own.length > 0 ? own[own.length - 1]!.to : null,
    };
  });
}
