// What a finding did to each job: per job, the checkpoints it broke, the last one completed before
// them, the restarts and failure attributed to it, tasks, hosts and the directories its analyses
// read from the error paths (`byJob`), and the impact sentences of the JSON's `impact[]`, one set
// per job when the finding touched several. The pattern's `outcomes` add the sentence of what the
// failure led to (e.g. a version-dependent behaviour).

import type { Finding, JobImpact, SourceInfo } from '../model.js';
import type { Facts } from '../detect/facts.js';
import { fillTemplate, type Pattern } from '../detect/pattern-spec.js';
import { analysesOf } from './analyses/index.js';
import { formatIds, hostsOf, MIXED_JOBS_SENTENCE, namedCheckpointState, naturalCompare, uniq, type Built } from './findings.js';
import { descendants } from './chain.js';
import type { Node } from './graph.js';

/** Per job: what the finding did to it. */
export function jobImpacts(b: Built, nodes: Node[], facts: Facts, sources: SourceInfo[], names: Map<string, string>): JobImpact[] {
  const f = b.finding;
  const below = descendants(nodes);
  const dirs = analysesOf(b.pattern).find((a) => a.directories)?.directories;
  const out: JobImpact[] = [];
  for (const job of f.jobs) {
    const sigs = b.signals.filter((s) => s.identity.job === job || (!s.identity.job && f.jobs.length === 1));
    const timed = sigs.filter((s) => s.event.time);
    const checkpoints = uniq(sigs.map((s) => s.identity.checkpoint).filter((c): c is number => c !== undefined && namedCheckpointState(b.pattern, facts, [job], c) === 'failed')).sort((a, b) => a - b);
    const ofJob = (kind: string): number => below.filter((n) => n.kind === kind && n.ids.jobs.includes(job)).length;
    out.push({
      job,
      name: names.get(job) ?? null,
      checkpoints,
      firstSeen: timed[0]?.event.time ?? null,
      lastSeen: timed[timed.length - 1]?.event.time ?? null,
      lastCompleted: facts.timeline.lastCompleted(job, checkpoints[0] ?? null),
      restarts: ofJob('job-restart'),
      failed: ofJob('job-failed') > 0,
      tasks: uniq(sigs.map((s) => s.identity.task).filter((t): t is string => !!t)).sort(naturalCompare),
      hosts: hostsOf(sigs, facts, sources),
      directories: dirs ? dirs.of(sigs) : [],
    });
  }
  return out;
}

/** `name (id)`, or the id alone. */
function jobLabel(j: JobImpact): string {
  return j.name ? `${j.name} (${j.job})` : j.job;
}

/** One sentence of what the finding did to one job, for findings that touched several. */
function jobSentence(j: JobImpact & { timelineKnown: boolean }, dirLabel: string | null): string {
  const parts: string[] = [];
  if (j.checkpoints.length > 0) parts.push(`failed ${j.checkpoints.length === 1 ? 'checkpoint' : 'checkpoints'} ${formatIds(j.checkpoints)} (${j.checkpoints.length})${j.firstSeen ? `, first at ${j.firstSeen}` : ''}${j.lastSeen && j.lastSeen !== j.firstSeen ? `, last at ${j.lastSeen}` : ''}`);
  if (j.lastCompleted) parts.push(`last completed checkpoint${j.checkpoints.length > 0 ? ' before the failures' : ''}: ${j.lastCompleted.id}${j.lastCompleted.at ? ` at ${j.lastCompleted.at}` : ''}`);
  else if (j.checkpoints.length > 0 && j.timelineKnown) parts.push('no checkpoint completed in the logs before the failures');
  if (j.restarts > 0) parts.push(`restarted ${j.restarts} time${j.restarts === 1 ? '' : 's'}`);
  if (j.failed) parts.push('ended in state FAILED');
  if (j.tasks.length > 0) parts.push(`subtasks ${j.tasks.join(', ')}`);
  if (j.hosts.length > 0) parts.push(`hosts ${j.hosts.join(', ')}`);
  if (dirLabel && j.directories.length > 0) parts.push(`${j.directories.length === 1 ? dirLabel : `${dirLabel.replace(/y$/, 'ie')}s`} ${j.directories.join(', ')}`);
  return `Job ${jobLabel(j)}: ${parts.length > 0 ? parts.join('; ') : 'named by the failure'}.`;
}

/** The finding's impact sentences from what it led to (restarts, failure, outcome, last completed checkpoint). */
export function summarizeImpact(b: Built, nodes: Node[], facts: Facts): void {
  const f = b.finding;
  const has = (id: string): boolean => f.consequences.some((c) => c.id === id);
  const outcome = pickOutcome(b.pattern, f, has);
  if (f.byJob && f.byJob.length > 1) {
    // One sentence per job replaces the sentences that mix the jobs.
    const dirLabel = analysesOf(b.pattern).find((a) => a.directories)?.directories?.label ?? null;
    f.impact = f.impact.filter((s) => !MIXED_JOBS_SENTENCE.test(s));
    f.impact.push(...f.byJob.map((j) => jobSentence({ ...j, timelineKnown: facts.timeline.has(j.job) || facts.checkpoints.some((c) => c.job === j.job) }, dirLabel)));
    if (outcome) f.impact.push(outcome);
    return;
  }
  const restarts = f.consequences.find((c) => c.id === 'job-restart');
  if (restarts) f.impact.push(`The job restarted ${restarts.count} time${restarts.count === 1 ? '' : 's'} after the failure began.`);
  if (has('job-failed')) f.impact.push('The job ended in state FAILED.');
  if (outcome) f.impact.push(outcome);
  // A failure that names no job: the jobs of what it led to, else every job in the input.
  const led = uniq(descendants(nodes).flatMap((n) => (n.fact ? n.ids.jobs : [])));
  const jobsKnown = f.jobs.length > 0 ? f.jobs : led.length > 0 ? led : uniq([...facts.timeline.jobIds(), ...facts.checkpoints.map((c) => c.job).filter((j): j is string => !!j)]);
  const firstFail = f.checkpoints[0];
  for (const job of jobsKnown) {
    const last = facts.timeline.lastCompleted(job, firstFail ?? null);
    if (last) f.impact.push(`Last completed checkpoint before the failures: ${last.id} of job ${job}${last.at ? ` at ${last.at}` : ''}.`);
    else if (facts.timeline.has(job) || facts.checkpoints.some((c) => c.job === job)) f.impact.push(`No checkpoint of job ${job} completed in the logs before the failures.`);
  }
}

/** The first of the pattern's `outcomes` whose conditions hold. */
function pickOutcome(p: Pattern, f: Finding, has: (id: string) => boolean): string | null {
  for (const o of p.outcomes ?? []) {
    if (o.when.checkpoints !== undefined && o.when.checkpoints !== f.checkpoints.length > 0) continue;
    if (o.when.consequences && !o.when.consequences.every(has)) continue;
    return fillTemplate(o.impact, { checkpoints: formatIds(f.checkpoints) }).trim();
  }
  return null;
}
