// The fact extractors: read each event for configuration dumps, startup banners (role, version,
// host), the JobManager's checkpoint timeline, job and task state changes and restarts, and
// record what they find in Facts (facts.ts). Also the role hints of logger and file names.

import type { LogEvent, Role } from '../model.js';
import type { CheckpointFact, Facts } from './facts.js';
import { own } from '../strings.js';

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
/** What JM_LOGGER, TM_LOGGER and CLIENT_LOGGER all start with. */
const FLINK_LOGGER = 'org.apache.flink.';
/** The same, its packages cut to their first letter by a layout such as logback's `%logger{36}`. */
const SHORT_FLINK_LOGGER = 'o.a.f.';

/**
 * A Flink logger whose leading packages a layout cut to their first letter (`o.a.f.runtime.jobmaster.JobMaster`,
 * `o.a.f.r.taskexecutor.TaskExecutor`, `o.a.f.s.runtime.tasks.StreamTask`, `o.a.f.s.r.tasks.StreamTask`), written out again as
 * far as the letters are not ambiguous; a package cut deeper stays as it is.
 */
function unabbreviated(logger: string): string {
  if (logger.startsWith('o.a.f.r.')) return `org.apache.flink.runtime.${logger.slice(8)}`;
  if (logger.startsWith('o.a.f.s.')) {
    const rest = logger.slice(8);
    if (rest.startsWith('r.')) return `org.apache.flink.streaming.runtime.${rest.slice(2)}`;
    if (rest.startsWith('a.')) return `org.apache.flink.streaming.api.${rest.slice(2)}`;
    // `s` is `state` before RocksDB's package (org.apache.flink.state.rocksdb), else `streaming`.
    return rest.startsWith('rocksdb.') ? `org.apache.flink.state.${rest}` : `org.apache.flink.streaming.${rest}`;
  }
  return `org.apache.flink.${logger.slice(6)}`;
}

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
  e: LogEvent,
  text: () => string,
  f: Pick<CheckpointFact, 'kind' | 'id' | 'job' | 'reason'> & Partial<Pick<CheckpointFact, 'bytes' | 'durationMs' | 'attempt' | 'location'>>,
): CheckpointFact {
  return {
    kind: f.kind,
    job: f.job,
    id: f.id,
    time: e.time,
    timeMs: e.timeMs,
    source: e.sourceIndex,
    line: e.line,
    text: f.kind === 'triggered' || f.kind === 'completed' || f.kind === 'restored' ? '' : text(),
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

/** Whether every scan (the fast one too) hands the record being read on; see Detector.seenByEveryScan. */
export interface ScanVisibility {
  seen(): boolean;
}

/** For a record every scan reads. */
const EVERY_SCAN: ScanVisibility = { seen: () => true };

/**
 * Reads the facts an event carries into `facts` (`mayHoldFact` false: the record holds no
 * FACT_LITERALS, so only role votes and the version are read). A logger's role vote and the
 * version of a classpath line are read only when `scan.seen()` says that the fast scan
 * hands this record on too (any record may carry them); `role` is its logger's (roleOfLogger), when the caller has it already. Returns true when the event only records a
 * consequence of another failure (a pending checkpoint aborted because tasks restart or the
 * coordinator stops), which needs no unknown-failure group of its own.
 */
export function extractFacts(
  e: LogEvent,
  facts: Facts,
  mayHoldFact = true,
  scan: ScanVisibility = EVERY_SCAN,
  role: 'jobmanager' | 'taskmanager' | 'client' | null = e.logger ? roleOfLogger(e.logger) : null,
): boolean {
  const src = e.sourceIndex;
  const msg = e.message;
  if (role !== null && e.logger && scan.seen()) {
    // Most records add to a vote already cast: no reason text (nor a closure for it) is made then.
    const v = facts.source(src).votes.get(role);
    if (v) v.score += 1;
    else facts.vote(src, role, 1, `${LOGGER_SIDE[role]} logger ${shortLogger(e.logger)}`);
  }
  const sf = facts.source(src);
  if (sf.version === null) {
    for (const l of e.lines) {
      if (l.includes('flink-dist') && scan.seen()) {
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
  // Each regex below is anchored at the message's start (but the task transition's): a look at the
  // first character skips those that cannot match, most of them on most records.
  const c0 = msg.charCodeAt(0);
  // The fact's line, kept as evidence by the first facts only (Facts.detail). The facts below are
  // object literals of one shape each: a spread of an object with a getter builds each one
  // property by property, and a crash loop makes hundreds of thousands of them.
  const text = (): string => facts.detail(e.lines[0] ?? msg);
  if (c0 === 76 /* L */ && (m = RE.config.exec(msg))) {
    facts.config.push({ key: m[1]!.trim(), value: m[2]!.trim(), source: facts.names[src] ?? String(src), line: e.line });
    return false;
  }
  if ((c0 === 83 /* S */ || mayBeSpace(c0)) && (m = RE.banner.exec(msg))) {
    const component = m[1]!;
    sf.version = m[2]!.trim();
    sf.versionFromBanner = true;
    sf.component = component;
    if (CLIENT_COMPONENT.test(component)) facts.vote(src, 'client', 100, `banner "Starting ${component}"`);
    else if (TM_COMPONENT.test(component)) facts.vote(src, 'taskmanager', 100, `banner "Starting ${component}"`);
    else if (JM_COMPONENT.test(component)) facts.vote(src, 'jobmanager', 100, `banner "Starting ${component}"`);
    return false;
  }
  if (c0 === 83 && (m = RE.tmResource.exec(msg))) {
    const rid = m[1]!.replace(/\(.*\)$/, '');
    sf.resourceIds.add(rid);
    const host = /^([^:]+):\d+-[0-9a-f]{6}$/.exec(rid);
    if (host) sf.hosts.add(host[1]!);
    facts.vote(src, 'taskmanager', 50, 'TaskManager start line');
    return false;
  }
  if (c0 === 72 /* H */ && (m = RE.rocksDbHost.exec(msg))) {
    // A RocksDB LOG's summary: the host RocksDB runs on (its TaskManager's).
    sf.hosts.add(m[1]!);
    return false;
  }
  if (c0 === 83 && (m = RE.rpcEndpoint.exec(msg))) {
    if (m[1]!.endsWith('TaskExecutor')) {
      sf.hosts.add(m[2]!);
      facts.vote(src, 'taskmanager', 20, 'TaskExecutor RPC endpoint');
    } else if (/JobMaster|Dispatcher|ResourceManager/.test(m[1]!)) {
      facts.vote(src, 'jobmanager', 20, 'JobManager RPC endpoint');
    }
    return false;
  }
  if (c0 === 84 /* T */ && (m = RE.triggered.exec(msg))) {
    facts.checkpoint(checkpointFact(e, text, { kind: 'triggered', id: +m[1]!, job: jobId(m[2]!), reason: null }));
    return false;
  }
  if (c0 === 67 /* C */ && (m = RE.completed.exec(msg))) {
    const ms = m[4] ?? m[5];
    facts.checkpoint(checkpointFact(e, text, { kind: 'completed', id: +m[1]!, job: jobId(m[2]!), reason: null, bytes: +m[3]!, ...(ms ? { durationMs: +ms } : {}) }));
    return false;
  }
  if (c0 === 68 /* D */ && (m = RE.declined.exec(msg))) {
    const reason = facts.intern(reasonOf(e));
    // A task that received a newer checkpoint's barrier first declines the older one: subsumed, not failed.
    facts.checkpoint(checkpointFact(e, text, { kind: reason !== null && SUBSUMED.test(reason) ? 'aborted' : 'declined', id: +m[1]!, job: jobId(m[3]!), attempt: own(m[2]!), ...(m[4] ? { location: facts.intern(m[4])! } : {}), reason }));
    return false;
  }
  if (c0 === 68 && (m = RE.discarded.exec(msg))) {
    facts.checkpoint(checkpointFact(e, text, { kind: 'discarded', id: +m[1]!, job: jobId(m[2]!), reason: facts.intern(reasonOf(e)) }));
    return false;
  }
  if (c0 === 67 && (m = RE.expired.exec(msg))) {
    facts.checkpoint(checkpointFact(e, text, { kind: 'expired', id: +m[1]!, job: jobId(m[2]!), reason: 'Checkpoint expired before completing.' }));
    return false;
  }
  if (c0 === 70 /* F */ && ((m = RE.failedComplete.exec(msg)) || (m = RE.failedTrigger.exec(msg)))) {
    const reason = facts.intern(reasonOf(e));
    const aborted = reason !== null && (/FailoverRegion is restarting|Task has failed|The job has failed|CheckpointCoordinator shutdown|Coordinator is suspending/.test(reason) || SUBSUMED.test(reason));
    const expired = reason !== null && /expired before completing/.test(reason);
    const id = /^\d+$/.test(m[1]!) ? +m[1]! : null;
    facts.checkpoint(checkpointFact(e, text, { kind: aborted ? 'aborted' : expired ? 'expired' : 'failed', id, job: jobId(m[2]!), reason }));
    return aborted;
  }
  if (c0 === 84 && (m = RE.triggerFailedDueTo.exec(msg))) {
    facts.checkpoint(checkpointFact(e, text, { kind: 'failed', id: +m[1]!, job: jobId(m[2]!), reason: facts.intern(m[3]!.slice(0, 300)) }));
    return false;
  }
  if (c0 === 82 /* R */ && (m = RE.restoring.exec(msg))) {
    facts.checkpoint(checkpointFact(e, text, { kind: 'restored', id: +m[2]!, job: jobId(m[1]!), reason: null }));
    return false;
  }
  if (c0 === 74 /* J */ && (m = RE.jobTransition.exec(msg))) {
    facts.keep('jobs', { time: e.time, timeMs: e.timeMs, source: src, line: e.line, text: text(), kind: 'transition', job: jobId(m[2]!), name: facts.intern(m[1]!)!, from: facts.intern(m[3]!)!, to: facts.intern(m[4]!)!, cause: facts.intern(reasonOf(e)) });
    facts.vote(src, 'jobmanager', 5, 'job state changes');
    return false;
  }
  if (msg.includes(' to FAILED') && (m = RE.taskTransition.exec(msg))) {
    const loc = m[4] ? parseLocation(m[4]) : { resourceId: null, host: null };
    facts.keep('taskFailures', { time: e.time, timeMs: e.timeMs, source: src, line: e.line, text: text(), task: facts.intern(m[1]!)!, attempt: own(m[2]!), host: facts.intern(loc.host), resourceId: facts.intern(loc.resourceId) });
    return false;
  }
  if (((c0 >= 48 && c0 <= 57) || c0 === 84) && ((m = RE.restartTask.exec(msg)) || (m = RE.restartGlobal.exec(msg)))) {
    const global = RE.restartGlobal.test(msg);
    facts.keep('jobs', { time: e.time, timeMs: e.timeMs, source: src, line: e.line, text: text(), kind: global ? 'global-failover' : 'restart', job: null, name: null, from: null, to: null, cause: facts.intern(reasonOf(e)) });
    return false;
  }
  if (c0 === 74 && (m = RE.terminal.exec(msg))) {
    facts.keep('jobs', { time: e.time, timeMs: e.timeMs, source: src, line: e.line, text: text(), kind: 'terminal', job: jobId(m[1]!), name: null, from: null, to: facts.intern(m[2]!)!, cause: facts.intern(reasonOf(e)) });
  }
  return false;
}

/** A checkpoint's failure reason when a newer checkpoint overtook it ("Checkpoint has been subsumed.", "… a barrier from newer checkpoint was received."). */
const SUBSUMED = /subsumed|barrier from newer checkpoint/;

/** True when a character may be one of `\s` (a superset: every code point from U+1680 up). */
function mayBeSpace(c: number): boolean {
  return c <= 32 || c === 0xa0 || c >= 0x1680;
}

/** The process role a logger name belongs to, when only one side uses it. */
export function roleOfLogger(logger: string): 'jobmanager' | 'taskmanager' | 'client' | null {
  // Every side-specific logger is one of Flink's own: others (a Kafka client's, the job's) are
  // turned away without a look-up, which would hash the logger name, a new string on every record.
  if (!logger.startsWith(FLINK_LOGGER) && !logger.startsWith(SHORT_FLINK_LOGGER)) return null;
  let role = loggerRoles.get(logger);
  if (role === undefined) {
    const full = logger.startsWith(SHORT_FLINK_LOGGER) ? unabbreviated(logger) : logger;
    role = JM_LOGGER.test(full) ? 'jobmanager' : TM_LOGGER.test(full) ? 'taskmanager' : CLIENT_LOGGER.test(full) ? 'client' : null;
    if (loggerRoles.size >= 10_000) loggerRoles.clear();
    // The key is a copy: the logger may be a slice of its whole record.
    loggerRoles.set(own(logger), role);
  }
  return role;
}

function shortLogger(l: string): string {
  return l.split('.').pop() ?? l;
}

/** RocksDB's own log file names: `LOG` and its rolled `LOG.old.<time>`; in a db_log_dir, `<instance path>_LOG`. */
const ROCKSDB_LOG = /(?:^|[\\/!_])LOG(?:\.old\.\d+)?$/;

/** True for a source (a path, an archive member `archive!member`) that is a RocksDB instance's own LOG file. */
export function isRocksDbLog(name: string): boolean {
  return ROCKSDB_LOG.test(name);
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
  if (isRocksDbLog(path)) return { role: 'taskmanager', host: null };
  // The file's own name first (`logs/tm-1/jobmanager.log` is a JobManager's log), then its folders.
  return { role: roleOfName(name.toLowerCase()) ?? roleOfName(path.toLowerCase()), host: null };
}

function roleOfName(lower: string): Role | null {
  if (/taskmanager|taskexecutor|(^|[^a-z])tm[-_.\d]/.test(lower)) return 'taskmanager';
  if (/jobmanager|standalonesession|entrypoint|(^|[^a-z])jm[-_.\d]/.test(lower)) return 'jobmanager';
  if (/(^|[^a-z])(client|cli|sql-client)[-_.]/.test(lower)) return 'client';
  return null;
}
