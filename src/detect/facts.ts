// Built-in fact extractors: configuration dumps, startup banners (role, version, host), the
// JobManager's checkpoint timeline, job and task state changes and restarts. They read the same
// events the patterns see; their literals join the prefilter. Joining facts to signals is correlate/'s job.

import type { ConfigEntry, LogEvent, Role } from '../model.js';
import { CheckpointTimeline } from './timeline.js';

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

/**
 * A copy of `s` that holds its own characters: a slice of a record's text would keep the whole
 * record (V8 shares the parent string), for as long as the fact lives.
 */
function own(s: string): string {
  // The concatenation is flattened into a new string before it is sliced: the slice's parent is
  // that copy, one character longer than `s`, not the record.
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** True for a fact that records a failure: a job restarting or failing, a task failing, a checkpoint failing. */
function isFailure(kind: 'checkpoints' | 'taskFailures' | 'jobs', f: CheckpointFact | TaskFailureFact | JobFact): boolean {
  if (kind === 'taskFailures') return true;
  if (kind === 'checkpoints') return ['declined', 'discarded', 'failed', 'expired'].includes((f as CheckpointFact).kind);
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
      this.timeline.add(c.job, { kind: c.kind, id: c.id, time: c.time, source: c.source, line: c.line, reason: c.reason, ...(c.bytes !== undefined ? { bytes: c.bytes } : {}), ...(c.durationMs !== undefined ? { durationMs: c.durationMs } : {}) });
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

const J = '[0-9a-f]{32}';
const RE = {
  config: /^Loading (?:dynamic )?configuration property: ([^,]+), (.*)$/,
  banner: /^\s*Starting (.+?) \(Version: ([^,]+), (?:Scala: [^,]+, )?Rev:/,
  tmResource: /^Starting TaskManager with ResourceID: (\S+)/,
  rocksDbHost: /^Host name \(Env\):\s+(\S+)/,
  rpcEndpoint: /^Starting RPC endpoint for (\S+) at \S+?:\/\/flink@([^:/]+):\d+/,
  triggered: new RegExp(String.raw`^Triggering checkpoint (\d+) (?:\(type=.+\) )?@ \d+ for job (${J})\.`),
  completed: new RegExp(String.raw`^Completed checkpoint (\d+) for job (${J}) \((\d+) bytes(?: in (\d+) ms|, checkpointDuration=(\d+) ms)?`),
  declined: new RegExp(String.raw`^Decline checkpoint (\d+) by task (\S+) of job (${J})(?: at (.+?))?\.?$`),
  discarded: new RegExp(String.raw`^Discarding checkpoint (\d+) of job (${J})`),
  expired: new RegExp(String.raw`^Checkpoint (\d+) of job (${J}) expired before completing`),
  failedComplete: new RegExp(String.raw`^Failed to trigger or complete checkpoint (\d+|UNKNOWN_CHECKPOINT_ID) for job (${J})`),
  failedTrigger: new RegExp(String.raw`^Failed to trigger checkpoint (\d+) for job (${J})`),
  triggerFailedDueTo: new RegExp(String.raw`^Triggering Checkpoint (\d+) for job (${J}) failed due to (.*)$`),
  restoring: new RegExp(String.raw`^Restoring job (${J}) from (?:latest valid checkpoint: )?(?:\w[\w ]* )?(\d+) @`),
  noRestore: /^No checkpoint found during restore/,
  jobTransition: new RegExp(String.raw`^Job (.*) \((${J})\) switched from state (\w+) to (\w+)\.`),
  taskTransition:
    /^(.+ \(\d+\/\d+\))(?:#\d+)? \(([0-9a-f_]+)\) switched from ([A-Z_]+) to FAILED(?: on (.+?))?(?:\.$| with failure cause:)/,
  restartTask: /^(\d+) tasks (?:will|should) be restarted to recover the failed task ([0-9a-f_]+)/,
  restartGlobal: /^(?:(\d+) tasks will be restarted to recover from a global failure|Trying to recover from a global failure)/,
  terminal: new RegExp(String.raw`^Job (${J}) reached (?:globally )?terminal state (\w+)`),
  distJar: /flink-dist(?:_2\.1[0-3])?-(\d+\.\d+(?:\.\d+)?)(?:-SNAPSHOT)?\.jar/,
};

const JM_COMPONENT = /ClusterEntrypoint|ClusterEntryPoint|JobManager|Entrypoint/;
const TM_COMPONENT = /TaskManager|TaskExecutor/;
const CLIENT_COMPONENT = /Command Line Client|SqlClient|SQL Client/;

/** The side each logger name speaks for (loggers repeat on every line: decided once per name). */
const loggerRoles = new Map<string, 'jobmanager' | 'taskmanager' | 'client' | null>();
const LOGGER_SIDE = { jobmanager: 'JobManager', taskmanager: 'TaskManager', client: 'client' } as const;

const JM_LOGGER = /^org\.apache\.flink\.runtime\.(?:checkpoint\.CheckpointCoordinator|executiongraph\.|jobmaster\.|dispatcher\.|resourcemanager\.|entrypoint\.)/;
const TM_LOGGER = /^org\.apache\.flink\.(?:runtime\.taskexecutor\.|runtime\.taskmanager\.Task$|streaming\.runtime\.tasks\.|streaming\.api\.operators\.|contrib\.streaming\.state\.|state\.rocksdb\.)/;
const CLIENT_LOGGER = /^org\.apache\.flink\.(?:client\.cli\.|table\.client\.)/;

/** Splits `<resourceId> @ <host> (dataPort=N)` into its parts. */
export function parseLocation(loc: string): { resourceId: string | null; host: string | null } {
  const m = /^(\S+) @ (\S+?)(?: \(dataPort=\d+\))?\.?$/.exec(loc.trim());
  if (!m) return { resourceId: null, host: null };
  return { resourceId: m[1]!, host: m[2]! };
}

/**
 * A checkpoint fact with every field present, in one order: facts are kept for the whole scan,
 * and objects built by spreading take a hidden class each.
 */
/**
 * One string per job id. A regex group is a slice of the line it came from and keeps that whole
 * line alive; a fact kept for every checkpoint of a long log would keep every such line.
 */
const jobIds = new Map<string, string>();
function jobId(id: string): string {
  let kept = jobIds.get(id);
  if (kept === undefined) {
    if (jobIds.size >= 10_000) jobIds.clear();
    // A copy that owns its characters, not a slice of the line.
    kept = [...id].join('');
    jobIds.set(kept, kept);
  }
  return kept;
}

function checkpointFact(
  base: { time: string | null; timeMs: number | null; source: number; line: number; text: string },
  f: Pick<CheckpointFact, 'kind' | 'id' | 'job' | 'reason'> & Partial<Pick<CheckpointFact, 'bytes' | 'durationMs' | 'attempt' | 'location'>>,
): CheckpointFact {
  return {
    kind: f.kind,
    job: f.job,
    id: f.id,
    time: base.time,
    timeMs: base.timeMs,
    source: base.source,
    line: base.line,
    text: f.kind === 'triggered' || f.kind === 'completed' || f.kind === 'restored' ? '' : base.text,
    reason: f.reason,
    bytes: f.bytes,
    durationMs: f.durationMs,
    attempt: f.attempt,
    location: f.location,
  };
}

/** Reason text of a checkpoint failure: the innermost useful message of the event's chain. */
function reasonOf(e: LogEvent): string | null {
  if (e.chain.length === 0) return null;
  const root = e.chain[e.chain.length - 1]!;
  const first = e.chain[0]!;
  const pick = first.message.includes('Failure reason') || e.chain.length === 1 ? first : root;
  const text = pick.cls ? `${pick.cls.split('.').pop()}: ${pick.message}` : pick.message;
  return text.split('\n')[0]!.slice(0, 300);
}

/**
 * Reads the facts an event carries into `facts` (`mayHoldFact` false: the record holds no
 * FACT_LITERALS, so only role votes and the version are read). A logger's role vote and the
 * version of a classpath line are read only when `seenByEveryScan()` says that the fast scan
 * hands this record on too (any record may carry them). Returns true when the event only records a
 * consequence of another failure (a pending checkpoint aborted because tasks restart or the
 * coordinator stops), which needs no unknown-failure group of its own.
 */
export function extractFacts(e: LogEvent, facts: Facts, mayHoldFact = true, seenByEveryScan: () => boolean = () => true): boolean {
  const src = e.sourceIndex;
  const msg = e.message;
  if (e.logger) {
    const logger = e.logger;
    let role = loggerRoles.get(logger);
    if (role === undefined) {
      role = JM_LOGGER.test(logger) ? 'jobmanager' : TM_LOGGER.test(logger) ? 'taskmanager' : CLIENT_LOGGER.test(logger) ? 'client' : null;
      if (loggerRoles.size >= 10_000) loggerRoles.clear();
      loggerRoles.set(logger, role);
    }
    if (role !== null && seenByEveryScan()) facts.vote(src, role, 1, () => `${LOGGER_SIDE[role!]} logger ${shortLogger(logger)}`);
  }
  const sf = facts.source(src);
  if (sf.version === null) {
    for (const l of e.lines) {
      if (l.includes('flink-dist') && seenByEveryScan()) {
        const m = RE.distJar.exec(l);
        if (m) {
          sf.version = m[1]!;
          break;
        }
      }
    }
  }
  // Every fact line holds one of FACT_LITERALS: records that hold none skip the regexes below.
  if (!e.hasHeader || !mayHoldFact) return false;
  let m: RegExpExecArray | null = null;
  const base = { time: e.time, timeMs: e.timeMs, source: src, line: e.line, get text(): string { return facts.detail(e.lines[0] ?? msg); } };
  if ((m = RE.config.exec(msg))) {
    facts.config.push({ key: m[1]!.trim(), value: m[2]!.trim(), source: facts.names[src] ?? String(src), line: e.line });
    return false;
  }
  if ((m = RE.banner.exec(msg))) {
    const component = m[1]!;
    sf.version = m[2]!.trim();
    sf.versionFromBanner = true;
    sf.component = component;
    if (CLIENT_COMPONENT.test(component)) facts.vote(src, 'client', 100, `banner "Starting ${component}"`);
    else if (TM_COMPONENT.test(component)) facts.vote(src, 'taskmanager', 100, `banner "Starting ${component}"`);
    else if (JM_COMPONENT.test(component)) facts.vote(src, 'jobmanager', 100, `banner "Starting ${component}"`);
    return false;
  }
  if ((m = RE.tmResource.exec(msg))) {
    const rid = m[1]!.replace(/\(.*\)$/, '');
    sf.resourceIds.add(rid);
    const host = /^([^:]+):\d+-[0-9a-f]{6}$/.exec(rid);
    if (host) sf.hosts.add(host[1]!);
    facts.vote(src, 'taskmanager', 50, 'TaskManager start line');
    return false;
  }
  if ((m = RE.rocksDbHost.exec(msg))) {
    // A RocksDB LOG's summary: the host RocksDB runs on (its TaskManager's).
    sf.hosts.add(m[1]!);
    return false;
  }
  if ((m = RE.rpcEndpoint.exec(msg))) {
    if (m[1]!.endsWith('TaskExecutor')) {
      sf.hosts.add(m[2]!);
      facts.vote(src, 'taskmanager', 20, 'TaskExecutor RPC endpoint');
    } else if (/JobMaster|Dispatcher|ResourceManager/.test(m[1]!)) {
      facts.vote(src, 'jobmanager', 20, 'JobManager RPC endpoint');
    }
    return false;
  }
  if ((m = RE.triggered.exec(msg))) {
    facts.checkpoint(checkpointFact(base, { kind: 'triggered', id: +m[1]!, job: jobId(m[2]!), reason: null }));
    return false;
  }
  if ((m = RE.completed.exec(msg))) {
    const ms = m[4] ?? m[5];
    facts.checkpoint(checkpointFact(base, { kind: 'completed', id: +m[1]!, job: jobId(m[2]!), reason: null, bytes: +m[3]!, ...(ms ? { durationMs: +ms } : {}) }));
    return false;
  }
  if ((m = RE.declined.exec(msg))) {
    facts.checkpoint(checkpointFact(base, { kind: 'declined', id: +m[1]!, job: jobId(m[3]!), attempt: own(m[2]!), ...(m[4] ? { location: facts.intern(m[4])! } : {}), reason: facts.intern(reasonOf(e)) }));
    return false;
  }
  if ((m = RE.discarded.exec(msg))) {
    facts.checkpoint(checkpointFact(base, { kind: 'discarded', id: +m[1]!, job: jobId(m[2]!), reason: facts.intern(reasonOf(e)) }));
    return false;
  }
  if ((m = RE.expired.exec(msg))) {
    facts.checkpoint(checkpointFact(base, { kind: 'expired', id: +m[1]!, job: jobId(m[2]!), reason: 'Checkpoint expired before completing.' }));
    return false;
  }
  if ((m = RE.failedComplete.exec(msg)) || (m = RE.failedTrigger.exec(msg))) {
    const reason = facts.intern(reasonOf(e));
    const aborted = reason !== null && /FailoverRegion is restarting|Task has failed|The job has failed|CheckpointCoordinator shutdown|Coordinator is suspending|subsumed/.test(reason);
    const expired = reason !== null && /expired before completing/.test(reason);
    const id = /^\d+$/.test(m[1]!) ? +m[1]! : null;
    facts.checkpoint(checkpointFact(base, { kind: aborted ? 'aborted' : expired ? 'expired' : 'failed', id, job: jobId(m[2]!), reason }));
    return aborted;
  }
  if ((m = RE.triggerFailedDueTo.exec(msg))) {
    facts.checkpoint(checkpointFact(base, { kind: 'failed', id: +m[1]!, job: jobId(m[2]!), reason: facts.intern(m[3]!.slice(0, 300)) }));
    return false;
  }
  if ((m = RE.restoring.exec(msg))) {
    facts.checkpoint(checkpointFact(base, { kind: 'restored', id: +m[2]!, job: jobId(m[1]!), reason: null }));
    return false;
  }
  if ((m = RE.jobTransition.exec(msg))) {
    facts.keep('jobs', { ...base, kind: 'transition', job: jobId(m[2]!), name: facts.intern(m[1]!)!, from: facts.intern(m[3]!)!, to: facts.intern(m[4]!)!, cause: facts.intern(reasonOf(e)) });
    facts.vote(src, 'jobmanager', 5, 'job state changes');
    return false;
  }
  if ((m = RE.taskTransition.exec(msg))) {
    const loc = m[4] ? parseLocation(m[4]) : { resourceId: null, host: null };
    facts.keep('taskFailures', { ...base, task: facts.intern(m[1]!)!, attempt: own(m[2]!), host: facts.intern(loc.host), resourceId: facts.intern(loc.resourceId) });
    return false;
  }
  if ((m = RE.restartTask.exec(msg)) || (m = RE.restartGlobal.exec(msg))) {
    const global = RE.restartGlobal.test(msg);
    facts.keep('jobs', { ...base, kind: global ? 'global-failover' : 'restart', job: null, name: null, from: null, to: null, cause: facts.intern(reasonOf(e)) });
    return false;
  }
  if ((m = RE.terminal.exec(msg))) {
    facts.keep('jobs', { ...base, kind: 'terminal', job: jobId(m[1]!), name: null, from: null, to: facts.intern(m[2]!)!, cause: facts.intern(reasonOf(e)) });
  }
  return false;
}

/** The process role a logger name belongs to, when only one side uses it. */
export function roleOfLogger(logger: string): Role | null {
  if (JM_LOGGER.test(logger)) return 'jobmanager';
  if (TM_LOGGER.test(logger)) return 'taskmanager';
  if (CLIENT_LOGGER.test(logger)) return 'client';
  return null;
}

function shortLogger(l: string): string {
  return l.split('.').pop() ?? l;
}

/** Role and host hints from a file name (Flink's log file naming, YARN and Kubernetes names). */
export function hintsFromFileName(path: string): { role: Role | null; host: string | null } {
  const name = path.split(/[\\/]/).pop() ?? path;
  const daemons = 'standalonesession|taskexecutor|standalonejob|kubernetes-session|kubernetes-application|kubernetes-taskmanager|historyserver|sql-gateway|zookeeper';
  // The user may hold dashes (`flink-svc-flink-taskexecutor-0-host.log`).
  const std = new RegExp(`^flink-(?:.*?-)?(${daemons})-\\d+-(.+?)\\.(?:log|out|err)(?:\\.\\d+)?(?:\\.gz)?$`).exec(name);
  if (std) {
    const d = std[1]!;
    const role: Role = /taskexecutor|taskmanager/.test(d) ? 'taskmanager' : /session|job|application/.test(d) ? 'jobmanager' : 'unknown';
    return { role, host: std[2]! };
  }
  // RocksDB's own log (`<instance>/db/LOG`, `LOG.old.<time>`; `<instance path with _>_LOG` in a
  // db_log_dir such as Flink's log directory): RocksDB state lives on TaskManagers.
  if (/(?:^|_)LOG(?:\.old\.\d+)?$/.test(name)) return { role: 'taskmanager', host: null };
  const lower = path.toLowerCase();
  if (/taskmanager|taskexecutor|(^|[^a-z])tm[-_.\d]/.test(lower)) return { role: 'taskmanager', host: null };
  if (/jobmanager|standalonesession|entrypoint|(^|[^a-z])jm[-_.\d]/.test(lower)) return { role: 'jobmanager', host: null };
  if (/(^|[^a-z])(client|cli|sql-client)[-_.]/.test(lower)) return { role: 'client', host: null };
  return { role: null, host: null };
}
