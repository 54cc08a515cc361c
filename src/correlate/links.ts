// Causal links: which kind of event can cause which, the identities that must agree and the time
// window. Patterns declare theirs (`causes:` / `causedBy:` in YAML); Flink's own reactions to a
// failure (a failed task restarts its job, a restart aborts the pending checkpoint, the JobManager
// records the checkpoints a failure broke) are the built-in links below, written as the same data.
// A consequence pattern that declares no cause keeps the default: any root failure of its job
// before it, or one naming the same checkpoint.

import { durationMs, type IdentityName, type Pattern } from '../detect/pattern-spec.js';

/** Stands for a signal of any pattern of role root, as the cause of a link. */
export const ANY_ROOT = '*';

/** A causal link, compiled. */
export interface Link {
  /** A pattern id, a built-in event or ANY_ROOT. */
  cause: string;
  effect: string;
  join: IdentityName[];
  agree: IdentityName[];
  /** Longest time from cause to effect; null: the identities in `join` alone decide. */
  withinMs: number | null;
}

/** The events the correlator reads from the facts, and their titles as consequences. */
export const EVENT_TITLES: Record<string, string> = {
  'task-failure': 'Tasks failed with this error and were restarted',
  'job-restart': 'The job restarted',
  'job-failed': 'The job failed',
  'global-failover': 'The JobManager triggered a global failover',
  'checkpoint-declined': 'The JobManager recorded the checkpoint as declined',
  'checkpoint-failed': 'The JobManager recorded the checkpoint as failed',
  'checkpoint-aborted': 'The pending checkpoint was aborted because tasks restarted',
  'checkpoint-timed-out': 'The JobManager recorded the checkpoint as expired',
};

interface LinkSpec {
  cause: string;
  effect: string;
  join?: IdentityName[];
  agree?: IdentityName[];
  within?: string;
}

const CHECKPOINT_EVENTS = ['checkpoint-declined', 'checkpoint-failed', 'checkpoint-aborted', 'checkpoint-timed-out'];

/** How Flink reacts to a failure, as links between events. */
const BUILT_IN: LinkSpec[] = [
  // The JobManager's record of the checkpoints a failure broke.
  ...CHECKPOINT_EVENTS.map((effect) => ({ cause: ANY_ROOT, effect, join: ['checkpoint' as const], agree: ['job' as const] })),
  // The same task attempt failing, seen from the TaskManager and from the JobManager.
  { cause: ANY_ROOT, effect: 'task-failure', join: ['attempt'] },
  // A failure and the restarts, failovers and job failure that follow it.
  { cause: ANY_ROOT, effect: 'job-restart', agree: ['job'], within: '10m' },
  { cause: ANY_ROOT, effect: 'job-failed', agree: ['job'], within: '10m' },
  { cause: ANY_ROOT, effect: 'global-failover', agree: ['job'], within: '10m' },
  // A failed task restarts its job, or fails it once the restart strategy gives up.
  { cause: 'task-failure', effect: 'job-restart', agree: ['job'], within: '10s' },
  { cause: 'task-failure', effect: 'job-failed', agree: ['job'], within: '10s' },
  // A restart aborts the job's pending checkpoints.
  { cause: 'job-restart', effect: 'checkpoint-aborted', join: ['job'], within: '5s' },
];

/** Links of a consequence pattern that declares no cause. */
function defaults(effect: string): LinkSpec[] {
  return [
    { cause: ANY_ROOT, effect, join: ['checkpoint'], agree: ['job'] },
    { cause: ANY_ROOT, effect, agree: ['job'], within: '10m' },
  ];
}

function compile(s: LinkSpec): Link {
  return { cause: s.cause, effect: s.effect, join: s.join ?? [], agree: s.agree ?? [], withinMs: s.within !== undefined ? durationMs(s.within) : null };
}

/** Every link: built-in, declared by the patterns, and the defaults of consequence patterns without a declared cause. */
export function buildLinks(patterns: Pattern[]): Link[] {
  const specs: LinkSpec[] = [...BUILT_IN];
  for (const p of patterns) {
    for (const c of p.causes ?? []) specs.push({ ...c, cause: p.id });
    for (const c of p.causedBy ?? []) specs.push({ ...c, effect: p.id });
  }
  const caused = new Set(specs.map((s) => s.effect));
  for (const p of patterns) if (p.role === 'consequence' && !caused.has(p.id)) specs.push(...defaults(p.id));
  return specs.map(compile);
}

/** The pattern ids and events declared as causes of `effect`. */
export function declaredCauses(links: Link[], effect: string): string[] {
  return [...new Set(links.filter((l) => l.effect === effect && l.cause !== ANY_ROOT).map((l) => l.cause))];
}
