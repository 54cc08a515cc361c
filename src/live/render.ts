// Turns a RestArchive into the records Flink itself logs for the same events, so the rest of the
// pipeline (facts, patterns, correlation) reads REST evidence as it reads a JobManager log:
// - the exception history → `<task> switched from RUNNING to FAILED on <tm> @ <host>.` with the
//   entry's stack trace (a global failure under the tool's own logger `flink-doctor.rest`);
// - checkpoint statistics → `Triggering checkpoint …`, `Completed checkpoint …`, `Checkpoint N of
//   job … expired before completing.`, `Failed to trigger or complete checkpoint …` with the
//   failure message as a CheckpointException;
// - job details → `Job <name> (<id>) switched from state A to B.` from the state timestamps;
// - configuration (`/jobmanager/config`, a job's `/jobmanager/config`, checkpoint config) →
//   configuration members, one `key: value` line per value;
// - observations only live data allows (observe.ts) → WARN records of logger `flink-doctor.live`.
// Times are rendered in UTC. Each member is named after the REST path it came from.

import { isObject, jobsOf, type RestArchive } from './archive.js';
import { observe } from './observe.js';

/** One rendered stream: a log in Flink's layout, or configuration lines. */
export interface RenderedMember {
  name: string;
  kind: 'log' | 'config';
  text: string;
}

/** A record to render: its time (ms since the epoch), level, logger, message and trace lines. */
interface Line {
  at: number;
  level: 'INFO' | 'WARN' | 'ERROR';
  logger: string;
  message: string;
  trace?: string[];
}

const COORDINATOR = 'org.apache.flink.runtime.checkpoint.CheckpointCoordinator';
const FAILURE_MANAGER = 'org.apache.flink.runtime.checkpoint.CheckpointFailureManager';
const EXECUTION_GRAPH = 'org.apache.flink.runtime.executiongraph.ExecutionGraph';
const REST_LOGGER = 'flink-doctor.rest';
export const LIVE_LOGGER = 'flink-doctor.live';

/**
 * Renders every part of an archive. `base` prefixes member names (a URL or `file!`);
 * `observedAt` is when the responses were read (a live cluster) or the job's end (an archive).
 */
export function renderArchive(archive: RestArchive, base: string, observedAt: number | null, timezoneOffset = 0): RenderedMember[] {
  const out: RenderedMember[] = [];
  const push = (name: string, lines: Line[]): void => {
    if (lines.length === 0) return;
    lines.sort((a, b) => a.at - b.at);
    out.push({ name, kind: 'log', text: lines.map((l) => formatLine(l, timezoneOffset)).join('') });
  };
  const config = archive.get('/jobmanager/config');
  if (Array.isArray(config)) out.push({ name: `${base}/jobmanager/config`, kind: 'config', text: configLines(config) });
  for (const jid of jobsOf(archive)) {
    const jobConfig = archive.get(`/jobs/${jid}/jobmanager/config`);
    if (Array.isArray(jobConfig)) out.push({ name: `${base}/jobs/${jid}/jobmanager/config`, kind: 'config', text: configLines(jobConfig) });
    const cpConfig = archive.get(`/jobs/${jid}/checkpoints/config`);
    if (isObject(cpConfig)) out.push({ name: `${base}/jobs/${jid}/checkpoints/config`, kind: 'config', text: configLines(checkpointConfigEntries(cpConfig)) });
    const job = archive.get(`/jobs/${jid}`);
    if (isObject(job)) push(`${base}/jobs/${jid}`, jobLines(jid, job));
    const cps = archive.get(`/jobs/${jid}/checkpoints`);
    if (isObject(cps)) push(`${base}/jobs/${jid}/checkpoints`, checkpointLines(jid, cps));
    const ex = archive.get(`/jobs/${jid}/exceptions`);
    if (isObject(ex)) push(`${base}/jobs/${jid}/exceptions`, exceptionLines(jid, ex));
  }
  const at = observedAt ?? latestTime(archive);
  if (at !== null) {
    const notes = observe(archive, at).map((message): Line => ({ at, level: 'WARN', logger: LIVE_LOGGER, message }));
    push(`${base}/flink-doctor/live-checks`, notes);
  }
  return out;
}

/**
 * One record in Flink's log4j2 layout (`%d %-5p %-60c %x - %m%n`), its trace lines after it; the
 * time in the JobManager's zone when known (its logs use it), else UTC.
 */
function formatLine(l: Line, offset: number): string {
  const head = `${formatTime(l.at + offset)} ${l.level.padEnd(5)} ${l.logger.padEnd(60)} [] - ${l.message}\n`;
  return l.trace && l.trace.length > 0 ? head + l.trace.map((t) => t + '\n').join('') : head;
}

/** `yyyy-MM-dd HH:mm:ss,SSS` of a time in ms, read as UTC. */
export function formatTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

/** `key: value` lines; values JSON-quoted so that any text stays one YAML scalar. */
function configLines(entries: unknown[]): string {
  let text = '';
  for (const e of entries) {
    if (!isObject(e) || typeof e.key !== 'string') continue;
    const value = e.value === null || e.value === undefined ? '' : String(e.value);
    text += `${JSON.stringify(e.key)}: ${JSON.stringify(value)}\n`;
  }
  return text;
}

/** The checkpoint configuration response as the configuration keys it stands for. */
export function checkpointConfigEntries(c: Record<string, unknown>): { key: string; value: string }[] {
  const out: { key: string; value: string }[] = [];
  const add = (key: string, v: unknown, unit = ''): void => {
    if (v === undefined || v === null) return;
    out.push({ key, value: `${typeof v === 'object' ? JSON.stringify(v) : String(v)}${unit}` });
  };
  const mode = str(c.mode) ?? str(c.processingMode);
  if (mode) add('execution.checkpointing.mode', mode.toUpperCase());
  add('execution.checkpointing.interval', num(c.interval), ' ms');
  add('execution.checkpointing.timeout', num(c.timeout), ' ms');
  add('execution.checkpointing.min-pause', num(c.min_pause), ' ms');
  add('execution.checkpointing.max-concurrent-checkpoints', num(c.max_concurrent));
  add('execution.checkpointing.tolerable-failed-checkpoints', num(c.tolerable_failed_checkpoints));
  if (typeof c.unaligned_checkpoints === 'boolean') add('execution.checkpointing.unaligned.enabled', c.unaligned_checkpoints);
  const backend = str(c.state_backend);
  if (backend) add('state.backend.type', backendType(backend));
  const storage = str(c.checkpoint_storage);
  if (storage) add('execution.checkpointing.storage', storageType(storage));
  if (typeof c.state_changelog_enabled === 'boolean') add('state.changelog.enabled', c.state_changelog_enabled);
  if (isObject(c.externalization) && typeof c.externalization.enabled === 'boolean') {
    add('execution.checkpointing.externalized-checkpoint-retention', c.externalization.enabled ? (c.externalization.delete_on_cancellation ? 'DELETE_ON_CANCELLATION' : 'RETAIN_ON_CANCELLATION') : 'NO_EXTERNALIZED_CHECKPOINTS');
  }
  return out;
}

/** State backend class name (as the REST API reports it) → the `state.backend.type` value. */
function backendType(cls: string): string {
  if (/RocksDB/i.test(cls)) return 'rocksdb';
  if (/HashMap|Memory|Fs/i.test(cls)) return 'hashmap';
  if (/ForSt/i.test(cls)) return 'forst';
  return cls;
}

function storageType(cls: string): string {
  if (/FileSystem/i.test(cls)) return 'filesystem';
  if (/JobManager/i.test(cls)) return 'jobmanager';
  return cls;
}

/** State changes from `/jobs/<id>`'s `timestamps` (the latest time of each state reached). */
function jobLines(jid: string, job: Record<string, unknown>): Line[] {
  const name = str(job.name) ?? jid;
  const ts = isObject(job.timestamps) ? job.timestamps : {};
  const reached = Object.entries(ts)
    .map(([state, t]) => ({ state, at: num(t) }))
    .filter((s): s is { state: string; at: number } => s.at !== null && s.at > 0)
    .sort((a, b) => a.at - b.at || STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state));
  const lines: Line[] = [];
  for (let i = 1; i < reached.length; i++) {
    const from = reached[i - 1]!;
    const to = reached[i]!;
    lines.push({ at: to.at, level: 'INFO', logger: EXECUTION_GRAPH, message: `Job ${name} (${jid}) switched from state ${from.state} to ${to.state}.` });
  }
  return lines;
}

const STATE_ORDER = ['INITIALIZING', 'CREATED', 'RUNNING', 'FAILING', 'CANCELLING', 'RESTARTING', 'SUSPENDED', 'FAILED', 'CANCELED', 'FINISHED', 'RECONCILING'];

/** The checkpoint history (the latest entries the JobManager keeps), oldest first. */
function checkpointLines(jid: string, cps: Record<string, unknown>): Line[] {
  const lines: Line[] = [];
  const history = Array.isArray(cps.history) ? cps.history : [];
  let consecutive = 0;
  const entries = history.filter(isObject).sort((a, b) => (num(a.id) ?? 0) - (num(b.id) ?? 0));
  for (const c of entries) {
    const id = num(c.id);
    const triggered = num(c.trigger_timestamp);
    if (id === null || triggered === null) continue;
    const status = (str(c.status) ?? '').toUpperCase();
    const type = str(c.checkpoint_type) ?? (c.is_savepoint === true ? 'SAVEPOINT' : 'CHECKPOINT');
    lines.push({ at: triggered, level: 'INFO', logger: COORDINATOR, message: `Triggering checkpoint ${id} (type=${type}) @ ${triggered} for job ${jid}.` });
    const duration = num(c.end_to_end_duration);
    if (status === 'COMPLETED') {
      consecutive = 0;
      const size = num(c.checkpointed_size) ?? num(c.state_size) ?? 0;
      const at = num(c.latest_ack_timestamp) ?? triggered + (duration ?? 0);
      lines.push({ at, level: 'INFO', logger: COORDINATOR, message: `Completed checkpoint ${id} for job ${jid} (${size} bytes, checkpointDuration=${duration ?? at - triggered} ms).` });
    } else if (status === 'FAILED') {
      consecutive++;
      const at = num(c.failure_timestamp) ?? num(c.latest_ack_timestamp) ?? triggered + (duration ?? 0);
      const reason = str(c.failure_message) ?? 'unknown failure';
      if (/expired before completing/i.test(reason)) {
        lines.push({ at, level: 'INFO', logger: COORDINATOR, message: `Checkpoint ${id} of job ${jid} expired before completing.` });
      }
      lines.push({
        at,
        level: 'WARN',
        logger: FAILURE_MANAGER,
        message: `Failed to trigger or complete checkpoint ${id} for job ${jid}. (${consecutive} consecutive failed attempts so far)`,
        trace: traceLines(reason.startsWith('org.apache.flink') || /^[\w.$]+(?:Exception|Error)\b/.test(reason) ? reason : `org.apache.flink.runtime.checkpoint.CheckpointException: ${reason}`),
      });
    }
  }
  return lines;
}

/** The exception history, oldest first; each concurrent exception as a record of its own. */
function exceptionLines(jid: string, ex: Record<string, unknown>): Line[] {
  const lines: Line[] = [];
  const add = (e: Record<string, unknown>): void => {
    const trace = str(e.stacktrace) ?? str(e.exception);
    const at = num(e.timestamp);
    if (!trace || at === null) return;
    // `name (1/2) - execution #0` (2.x) or `name (1/2)`: the log's `name (1/2)#0`.
    const task = (str(e.taskName) ?? str(e.task))?.replace(/ - execution #(\d+)$/, '#$1') ?? null;
    const endpoint = str(e.endpoint) ?? str(e.location);
    const tm = str(e.taskManagerId) ?? endpoint;
    const host = endpoint ? endpoint.replace(/:\d+$/, '') : null;
    if (task) {
      const where = tm ? ` on ${tm}${host ? ` @ ${host}` : ''}` : '';
      lines.push({ at, level: 'ERROR', logger: EXECUTION_GRAPH, message: `${task} switched from RUNNING to FAILED${where}.`, trace: traceLines(trace) });
    } else {
      lines.push({ at, level: 'ERROR', logger: REST_LOGGER, message: `Failure of job ${jid} in its exception history:`, trace: traceLines(trace) });
    }
  };
  const history = isObject(ex.exceptionHistory) && Array.isArray(ex.exceptionHistory.entries) ? ex.exceptionHistory.entries : null;
  if (history) {
    for (const e of history) {
      if (!isObject(e)) continue;
      add(e);
      if (Array.isArray(e.concurrentExceptions)) for (const c of e.concurrentExceptions) if (isObject(c)) add(c);
    }
  } else {
    // Before Flink 1.13 (and still beside the history until 2.0): the root exception and the
    // exceptions of the latest failure.
    const root = str(ex['root-exception']);
    const at = num(ex.timestamp);
    if (root && at !== null) add({ stacktrace: root, timestamp: at });
    if (Array.isArray(ex['all-exceptions'])) for (const e of ex['all-exceptions']) if (isObject(e)) add({ ...e, timestamp: num(e.timestamp) ?? at });
  }
  return lines;
}

/** A stack trace's lines, frames tab-indented as Java prints them. */
function traceLines(trace: string): string[] {
  return trace
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => (/^\s*at /.test(l) ? '\t' + l.trimStart() : l));
}

/** The latest time any response of the archive names (a finished job's end, a checkpoint's ack). */
function latestTime(archive: RestArchive): number | null {
  let latest: number | null = null;
  for (const jid of jobsOf(archive)) {
    const job = archive.get(`/jobs/${jid}`);
    if (isObject(job)) {
      const end = num(job['end-time']);
      const now = num(job.now);
      for (const t of [end, now]) if (t !== null && t > 0 && (latest === null || t > latest)) latest = t;
    }
  }
  return latest;
}
