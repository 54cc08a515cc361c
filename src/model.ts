// Shared data shapes of the pipeline: input → events → signals and facts → findings → report.
// Every stage imports its inputs and outputs from here, so the flow stays one-way and the
// JSON contract (report/json.ts) is a direct projection of these types.
// Over 400 lines: these are the types of the JSON contract, one document read top to bottom as
// the report is; split, a reader of the schema would have to join the pieces again.

/**
 * A record as the scanner cut it, before parsing: its 1-based first line number, its lines, and
 * the prefilter literals it holds (null when every record is handed on and none were looked for).
 */
export interface ScannedRecord {
  firstLine: number;
  lines: string[];
  literals: string[] | null;
}

/** Process role of a log source. */
export type Role = 'jobmanager' | 'taskmanager' | 'client' | 'unknown';

/** Severity of a finding, lowest first. */
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Rank of a severity for comparisons (info = 0). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** What is known about one input after the scan. */
export interface SourceInfo {
  /** Path as given or found by walking a directory; `<stdin>` for standard input. */
  name: string;
  role: Role;
  /** How the role was decided (banner, logger names, file name). */
  roleReason: string | null;
  flinkVersion: string | null;
  /** The component named in the startup banner, e.g. `KubernetesSessionClusterEntrypoint`. */
  entrypoint: string | null;
  hosts: string[];
  resourceIds: string[];
  bytes: number;
  lines: number;
  gzip: boolean;
  kind: 'log' | 'config';
}

/** One link of an exception chain: the first exception line or a `Caused by:` / `Suppressed:` line. */
export interface ChainLink {
  cls: string;
  message: string;
  /** 1-based line number in the source. */
  line: number;
  kind: 'exception' | 'caused-by' | 'suppressed';
  /** Index into the event's `frames` where this link's own frames begin. */
  firstFrame: number;
}

/** The parts of a log header line. */
export interface LogHeader {
  /** Local time as written in the log, ISO-8601 without zone unless the log carries one. */
  time: string | null;
  /** Milliseconds for ordering; local times are read as UTC. */
  timeMs: number | null;
  level: string | null;
  logger: string | null;
  thread: string | null;
  /** Message of the header line (for a bare trace without header: its first line). */
  message: string;
}

/** A log record with its continuation lines, as the scanner hands it to detectors. */
export interface LogEvent extends LogHeader {
  sourceIndex: number;
  /** 1-based line of the first line of the event. */
  line: number;
  /** Whether the first line is a real log header (timestamp or level) rather than a bare trace line. */
  hasHeader: boolean;
  chain: ChainLink[];
  /** Stack frames (`at …` text without the `at `), in order. */
  frames: string[];
  /** The event's lines with container prefixes removed, first line first. */
  lines: string[];
  /** 1-based source line of each entry of `lines` (a flattened trace yields several entries per line). */
  lineNumbers: number[];
  /** Pod and container named by a `kubectl logs --prefix` prefix (`[pod/<pod>/<container>] `). */
  pod?: { name: string; container: string | null };
}

/** Identity fields a detector or the correlator can attach to a signal. */
export interface Identity {
  checkpoint?: number;
  job?: string;
  /** Task name with subtask, `name (i/n)`, without the `#attempt` suffix. */
  task?: string;
  attempt?: string;
  host?: string;
  resourceId?: string;
}

/** A pattern match on one event. */
export interface Signal {
  patternId: string;
  event: LogEvent;
  /** Named captures of the pattern plus identity fields. */
  fields: Record<string, string>;
  identity: Identity;
  /** Line that carries the decisive text. */
  line: number;
  text: string;
}

/** A configuration value and where it was seen. */
export interface ConfigEntry {
  key: string;
  value: string;
  source: string;
  line: number;
}

/** One item of evidence in a report. */
export interface Evidence {
  source: string;
  line: number;
  role: Role;
  text: string;
  time?: string | null;
}

/** A consequence attached to a root finding (restart, failed job, tolerable-failure threshold …). */
export interface Consequence {
  id: string;
  title: string;
  count: number;
  evidence: Evidence[];
}

/** One line of a configuration change a fix asks for: a key to keep as it is, change, or add. */
export interface ConfigChangeLine {
  key: string;
  value: string;
  action: 'keep' | 'change' | 'add';
  note: string;
}

/** A configuration change as YAML lines, values and comments aligned: `key: value   # keep: note`. */
export function formatConfigChange(lines: ConfigChangeLine[]): string {
  const left = lines.map((l) => `${l.key}: ${l.value}`);
  const width = Math.max(...left.map((x) => x.length));
  return lines.map((l, i) => `${left[i]!.padEnd(width)}   # ${l.action}${l.note ? `: ${l.note}` : ''}`).join('\n');
}

/** A consequence and what it led to in turn: one step of the causal chain under a finding. */
export interface CausalStep {
  /** A pattern id or a built-in event (task-failure, job-restart, checkpoint-aborted …). */
  id: string;
  title: string;
  count: number;
  /** The identities that tied it to its cause (taskmanager, job, checkpoint …); empty: time alone. */
  joinedOn: string[];
  evidence: Evidence[];
  consequences: CausalStep[];
}

/** What one job suffered from a finding. */
export interface JobImpact {
  job: string;
  /** The job's name, from its state changes; null when the input does not name it. */
  name: string | null;
  /** The job's checkpoints the failure broke. */
  checkpoints: number[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** The job's last completed checkpoint before its first failed one (any, when none failed). */
  lastCompleted: { id: number; at: string | null } | null;
  /** Restarts of the job attributed to the failure. */
  restarts: number;
  /** The job ended in state FAILED because of it. */
  failed: boolean;
  tasks: string[];
  hosts: string[];
  /** Directories the failure names for this job (e.g. RocksDB's working directory, from its error paths). */
  directories: string[];
}

/** Facts an analysis established for a finding, as data. */
export interface FindingFacts {
  /** Where RocksDB keeps its working files against the checkpoint directory. */
  localDir?: {
    path: string | null;
    /** The setting that decided the path (or `the path in the RocksDB error`). */
    via: string | null;
    checkpointDir: string | null;
    onCheckpointMount: boolean;
    remoteHint: string | null;
    /** RocksDB directories seen in the error paths. */
    observed: string[];
  };
  /** The operating system's error text a pattern captured, and what it means. */
  errno?: { text: string; name: string; meaning: string; noHardLinks: boolean };
  /** The checkpoint timeout against the durations and interval of the job's checkpoints. */
  checkpointTimeout?: {
    timeoutMs: number;
    /** The configuration key it came from, or `default`. */
    timeoutFrom: string;
    intervalMs: number | null;
    completed: number;
    medianDurationMs: number | null;
    maxDurationMs: number | null;
    expired: number;
    /** timeout-too-short: completed checkpoints already come close to it; not-the-timeout: they take a fraction of it, so the expired ones were held up (back-pressure, alignment, a blocked task); undetermined: no completed checkpoint to compare with. */
    verdict: 'timeout-too-short' | 'not-the-timeout' | 'undetermined';
  };
}

/** A diagnosed failure, with its impact, evidence, configuration and fix. */
export interface Finding {
  id: string;
  title: string;
  severity: Severity;
  summary: string;
  occurrences: number;
  events: number;
  firstSeen: string | null;
  lastSeen: string | null;
  checkpoints: number[];
  jobs: string[];
  tasks: string[];
  hosts: string[];
  impact: string[];
  evidence: Evidence[];
  config: ConfigEntry[];
  cause: string;
  remediation: string;
  verify: string;
  references: string[];
  consequences: Consequence[];
  /** What could not be checked for this finding (no JM log, no config …). */
  unchecked: string[];
  /** What it led to, nested: each consequence under the one that caused it. */
  chain?: CausalStep[];
  /** Per job, when the failure names its jobs. */
  byJob?: JobImpact[];
  /** Facts the pattern's analyses established. */
  facts?: FindingFacts;
  /** The configuration change of the fix, line by line (also rendered into `remediation`). */
  configChange?: ConfigChangeLine[];
  /** A consequence whose cause is not in the input: the causes it can have and where to look. */
  causeNotFound?: { expected: string[]; lookFor: string };
}

/** One job's checkpoints, restarts and state, from the JobManager's lines. */
export interface JobSummary {
  job: string;
  name: string | null;
  /** Checkpoints by final state (completed ones folded into runs, and those counted but not listed, included). */
  checkpoints: Record<CheckpointState, number>;
  /** Ids of the checkpoints that did not complete (failed, declined, expired, aborted), of those listed in `checkpoints`. */
  failedCheckpoints: number[];
  lastCompleted: { id: number; at: string | null } | null;
  restarts: number;
  /** The last state the job switched to, null when no state change is in the input. */
  state: string | null;
}

/** A warning about the input (unreadable file, empty stdin …). */
export interface InputWarning {
  source: string;
  message: string;
}

/** Checkpoint states on the JobManager timeline. */
export type CheckpointState = 'triggered' | 'completed' | 'failed' | 'declined' | 'expired' | 'aborted';

/** One checkpoint of one job, rebuilt from JobManager lines. */
export interface CheckpointRecord {
  job: string;
  id: number;
  state: CheckpointState;
  triggeredAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  bytes: number | null;
  reason: string | null;
  source: string;
  line: number;
}

/**
 * Completed checkpoints of one job with consecutive ids, folded into one record: a long log keeps
 * only its latest 1,000 checkpoints per job one by one (and of the older ones, the first 5,000 that did
 * not complete; a job keeps its first 5,000 runs: see detect/timeline.ts, OLD_KEPT).
 */
export interface CheckpointRun {
  job: string;
  firstId: number;
  lastId: number;
  /** lastId - firstId + 1: all of them completed. */
  count: number;
  /** Trigger (else end) time of the first, end time of the last. */
  firstAt: string | null;
  lastAt: string | null;
  minDurationMs: number | null;
  maxDurationMs: number | null;
  minBytes: number | null;
  maxBytes: number | null;
  /** Where the last one completed. */
  source: string;
  line: number;
}

/** A job state change (`Job … switched from state A to B.`). */
export interface JobTransition {
  job: string;
  name: string;
  from: string;
  to: string;
  time: string | null;
  timeMs: number | null;
  source: string;
  line: number;
  cause: string | null;
}

/** The time one log source covers. */
export interface SourceCoverage {
  source: string;
  role: Role;
  first: string | null;
  last: string | null;
  /** Where the times come from: the file's first and last lines, or the events the scan kept. */
  from: 'file' | 'events' | 'none';
}

/** A TaskManager clock behind the JobManager's: it failed checkpoint N before N was triggered. */
export interface ClockSkew {
  source: string;
  jobManagerSource: string;
  job: string;
  checkpoint: number;
  taskManagerTime: string;
  triggeredAt: string;
  behindMs: number;
}

/** What the logs cover in time. */
export interface Coverage {
  sources: SourceCoverage[];
  /** Earliest first and latest last timestamp over all log sources. */
  first: string | null;
  last: string | null;
  /** The --since / --until window (log-local time), when given. */
  window: { since: string | null; until: string | null };
  clockSkew: ClockSkew[];
}

/** The whole result of a diagnosis. */
export interface Diagnosis {
  findings: Finding[];
  /** Failures no pattern knows, grouped by fingerprint, best-ranked first (all groups). */
  unknown: UnknownGroup[];
  muted: Finding[];
  inputs: SourceInfo[];
  /** Every configuration value seen (dumps in logs and configuration files), in input order. */
  config: ConfigEntry[];
  warnings: InputWarning[];
  checkpoints: CheckpointRecord[];
  /** Older completed checkpoints folded into runs (long logs). */
  checkpointRuns: CheckpointRun[];
  jobTransitions: JobTransition[];
  /** Per job: checkpoints by state, restarts and state. */
  jobs?: JobSummary[];
  /**
   * `threads`: the threads that scanned (the calling thread and workers; 1 without --workers).
   * `lanesStopped`: worker lanes stopped before the end because the process went past
   * --max-memory (absent when none).
   */
  stats: { bytes: number; lines: number; events: number; seconds: number; threads: number; lanesStopped?: number };
  interrupted: boolean;
  /** What the logs cover in time (absent from diagnoses built by hand). */
  coverage?: Coverage;
}

/** Where one occurrence of an unknown failure stands. */
export interface UnknownOccurrence {
  source: string;
  line: number;
  time: string | null;
}

/** One group of unknown failures with the same fingerprint. */
export interface UnknownGroup {
  fingerprint: string;
  exception: string;
  message: string;
  frames: string[];
  level: string | null;
  count: number;
  firstSeen: string | null;
  lastSeen: string | null;
  sources: string[];
  roles: Role[];
  /** 1 = most likely relevant; benign groups rank after all others. */
  rank: number;
  score: number;
  /** Known background noise (demoted). */
  benign: boolean;
  /** The innermost exception only wraps another failure whose cause the record does not show. */
  wrapper: boolean;
  /** Occurrences within two minutes before a job restart, task failure or failed checkpoint. */
  nearFailures: number;
  /** Why it ranks where it does. */
  reasons: string[];
  /** A representative occurrence (the most complete record), trimmed to what matters. */
  sample: { source: string; line: number; text: string[] };
  /** The representative record's lines as logged (container prefixes removed), capped; for `patterns new`. */
  record: string[];
  /** Every occurrence (capped), for `flink-doctor explain`. */
  occurrences: UnknownOccurrence[];
}
