// Built-in fact extractors: configuration dumps, startup banners (role, version, host), the
// JobManager's checkpoint timeline, job and task state changes and restarts. They read the same
// events the patterns see; their literals join the prefilter. Joining facts to signals is correlate/'s job.

import type { ConfigEntry, LogEvent, Role } from '../model.js';
import { CheckpointTimeline } from './timeline.js';
import { own } from '../strings.js';

/** Fixed strings that mark the lines the fact extractors read. */
export const FACT_LITERALS = [
  'configuration property: ',
  ' (Version: ',
  'Starting TaskManager with ResourceID',
  'Starting RPC endpoint for ',
  'Triggering checkpoint ',
  'Triggering Checkpoint ',
  'Completed checkpoint ',
  'Decline checkpoint ',
  'Discarding checkpoint ',
  'expired before completing',
  'Failed to trigger or complete checkpoint',
  'Failed to trigger checkpoint',
  ' switched from ',
  'Restoring job ',
  'No checkpoint found during restore',
  ' to recover the failed task',
  'to recover from a global failure',
  'terminal state ',
  'Host name (Env):',
];

/** A JobManager line about one checkpoint. */
export interface CheckpointFact {
  kind: 'triggered' | 'completed' | 'declined' | 'discarded' | 'expired' | 'failed' | 'aborted' | 'restored';
  job: string | null;
  id: number | null;
  time: string | null;
  timeMs: number | null;
  source: number;
  line: number;
  /** The line; empty for triggered, completed and restored checkpoints (many, never shown as evidence). */
  text: string;
  reason: string | null;
  bytes?: number;
  durationMs?: number;
  attempt?: string;
  location?: string;
}

/** A task attempt that switched to FAILED (JM Execution line or TM Task line). */
export interface TaskFailureFact {
  task: string;
  attempt: string;
  host: string | null;
  resourceId: string | null;
  time: string | null;
  timeMs: number | null;
  source: number;
  line: number;
  text: string;
}

/** A job state change or a restart/recovery line. */
export interface JobFact {
  kind: 'transition' | 'restart' | 'global-failover' | 'terminal';
  job: string | null;
  name: string | null;
  from: string | null;
  to: string | null;
  time: string | null;
  timeMs: number | null;
  source: number;
  line: number;
  text: string;
  cause: string | null;
}

/** Per-source facts: role votes, version, hosts. */
export interface SourceFacts {
  votes: Map<Role, { score: number; reason: string }>;
  version: string | null;
  versionFromBanner: boolean;
  component: string | null;
  hosts: Set<string>;
  resourceIds: Set<string>;
  /** Header timestamps without a year (`MM-dd HH:mm:ss`) were read: the year was inferred. */
  undated: boolean;
}

/** Facts of each list kept from its start (checkpoint failures, task failures, job state changes). */
export const FACT_HEAD = 10_000;
/** Latest facts of each list kept. */
export const FACT_TAIL = 10_000;
/** Fact lines whose text is kept as evidence; later ones keep their time, ids and place. */
export const DETAILED_FACTS = 5_000;
/** Distinct reason texts interned (past it the table starts again). */
const MAX_TEXTS = 10_000;

/** Checkpoint facts that record a failure. */
const FAILED_CHECKPOINT: ReadonlySet<string> = new Set(['declined', 'discarded', 'failed', 'expired']);

/** True for a fact that records a failure: a job restarting or failing, a task failing, a checkpoint failing. */
function isFailure(kind: 'checkpoints' | 'taskFailures' | 'jobs', f: CheckpointFact | TaskFailureFact | JobFact): boolean {
  if (kind === 'taskFailures') return true;
  if (kind === 'checkpoints') return FAILED_CHECKPOINT.has((f as CheckpointFact).kind);
  const j = f as JobFact;
  return j.kind !== 'transition' || j.to === 'RESTARTING' || j.to === 'FAILED' || j.to === 'FAILING';
}

/** Everything the extractors gathered over all sources. */
export class Facts {
  /** Source names by index, for configuration evidence. */
  names: string[] = [];
  config: ConfigEntry[] = [];
  /** Every checkpoint of every job, as the JobManager's lines tell it (memory bounded: see timeline.ts). */
  readonly timeline = new CheckpointTimeline();
  /** The checkpoint lines that are more than routine: failures, declines, expiries, aborts, restores. */
  checkpoints: CheckpointFact[] = [];
  taskFailures: TaskFailureFact[] = [];
  jobs: JobFact[] = [];
  sources = new Map<number, SourceFacts>();
  /** Facts of each list not kept (between the first FACT_HEAD and the latest FACT_TAIL; see keep()). */
  readonly omitted = { checkpoints: 0, taskFailures: 0, jobs: 0 };
  /** Where each list's ring of latest facts starts counting (see settle()). */
  private readonly ringBase = { checkpoints: 0, taskFailures: 0, jobs: 0 };

  /**
   * Adds a fact to its list. A list keeps its first FACT_HEAD facts and its latest FACT_TAIL ones
   * (overwritten in a ring until settle() puts them back in order); those between are counted in
   * `omitted`. A job that crash-loops for days writes millions of these lines: the report needs
   * how it began, how it ends, and how many there were, within bounded memory.
   */
  keep<K extends 'checkpoints' | 'taskFailures' | 'jobs'>(kind: K, fact: Facts[K][number]): void {
    if (this.onFailure && isFailure(kind, fact)) this.onFailure(fact.timeMs);
    const list = this[kind] as Facts[K][number][];
    if (list.length < FACT_HEAD + FACT_TAIL) {
      list.push(fact);
      return;
    }
    list[FACT_HEAD + ((this.omitted[kind] - this.ringBase[kind]) % FACT_TAIL)] = fact;
    this.omitted[kind]++;
  }

  /**
   * Counts facts another detector read and did not keep (its `omitted`): they lie between facts
   * kept, and move no place in the ring of latest facts (settle() turns the ring by the facts
   * written into it, not by those counted).
   */
  addOmitted(kind: 'checkpoints' | 'taskFailures' | 'jobs', n: number): void {
    this.omitted[kind] += n;
    this.ringBase[kind] += n;
  }

  /** Puts each list's latest facts back in the order they were read (before the lists are read or exported). */
  settle(): void {
    for (const kind of ['checkpoints', 'taskFailures', 'jobs'] as const) {
      const list = this[kind] as unknown[];
      const r = (this.omitted[kind] - this.ringBase[kind]) % FACT_TAIL;
      if (r !== 0 && list.length === FACT_HEAD + FACT_TAIL) {
        const tail = list.splice(FACT_HEAD);
        for (const x of tail.slice(r)) list.push(x);
        for (const x of tail.slice(0, r)) list.push(x);
      }
      this.ringBase[kind] = this.omitted[kind];
    }
  }

  /** Called with the time of each failure fact as it is read (job restart or failure, task failure, failed checkpoint). */
  onFailure: ((timeMs: number | null) => void) | null = null;

  /** Fact lines recorded so far (the first DETAILED_FACTS keep their text: see detail()). */
  private recorded = 0;
  /** Distinct reason and cause texts, each stored once. */
  private readonly texts = new Map<string, string>();

  /**
   * What a fact keeps of its line: the first DETAILED_FACTS facts keep their line as evidence;
   * later ones (a crash loop writes hundreds of thousands) keep their time, ids and place only,
   * so that memory grows by a few numbers per fact and not by a line of text.
   */
  detail(text: string): string {
    return this.recorded++ < DETAILED_FACTS ? own(text) : '';
  }

  /** What a fact another detector read keeps of its text (merge.ts): what detail() would have kept here, counted among this scan's fact lines. */
  detailMerged(text: string): string {
    return this.recorded++ < DETAILED_FACTS ? text : '';
  }

  /** Counts fact lines another detector read and did not keep (see detailMerged). */
  countRecorded(lines: number): void {
    this.recorded += lines;
  }

  /** A reason or cause text, stored once however often it repeats (and not as a slice of a whole record). */
  intern(text: string | null): string | null {
    if (text === null) return null;
    let t = this.texts.get(text);
    if (t === undefined) {
      if (this.texts.size >= MAX_TEXTS) this.texts.clear();
      t = own(text);
      this.texts.set(t, t);
    }
    return t;
  }

  source(i: number): SourceFacts {
    let s = this.sources.get(i);
    if (!s) {
      s = { votes: new Map(), version: null, versionFromBanner: false, component: null, hosts: new Set(), resourceIds: new Set(), undated: false };
      this.sources.set(i, s);
    }
    return s;
  }

  /** Adds to a role's score; the first vote's reason is kept (`reason` may be built only then). */
  /** Records a checkpoint line: on its job's timeline and, unless routine (triggered, completed), as a fact of its own. */
  checkpoint(c: CheckpointFact): void {
    if (c.id !== null && c.job !== null && c.kind !== 'restored') {
      // The fact itself is the update (the timeline keeps none of it but its values).
      this.timeline.add(c.job, c as CheckpointFact & { id: number; kind: Exclude<CheckpointFact['kind'], 'restored'> });
    }
    if (c.kind !== 'triggered' && c.kind !== 'completed') this.keep('checkpoints', c);
  }

  vote(i: number, role: Role, score: number, reason: string | (() => string)): void {
    const votes = this.source(i).votes;
    const v = votes.get(role);
    if (v) v.score += score;
    else votes.set(role, { score, reason: typeof reason === 'string' ? reason : reason() });
  }
}
