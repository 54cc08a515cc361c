// Checks that only live data allows: a JobManager's checkpoint statistics, configuration, back
// pressure and restart count, read from a RestArchive. Each check that holds becomes one sentence
// with its figures, rendered (render.ts) as a WARN record of logger `flink-doctor.live`; the
// patterns of patterns/live/ match those records and carry cause, fix and verification.

import { isObject, jobsOf, type RestArchive } from './archive.js';

/** Share of the checkpoint timeout from which a checkpoint's duration is reported. */
export const NEAR_TIMEOUT_SHARE = 0.75;
/** Checkpoint intervals without a completed checkpoint after which a running job is reported. */
export const STALLED_INTERVALS = 3;
/** Restarts from which a job is reported as restarting in a loop. */
export const RESTART_LOOP = 3;
/** An interval at or above this means periodic checkpoints are off (Flink stores Long.MAX_VALUE). */
const DISABLED_INTERVAL = 1e15;

/** The observations for every job of the archive, as sentences; `now` is when they were read. */
export function observe(archive: RestArchive, now: number): string[] {
  const out: string[] = [];
  for (const jid of jobsOf(archive)) {
    const job = obj(archive.get(`/jobs/${jid}`));
    const config = obj(archive.get(`/jobs/${jid}/checkpoints/config`));
    const stats = obj(archive.get(`/jobs/${jid}/checkpoints`));
    const name = str(job?.name) ?? jid;
    const interval = num(config?.interval);
    const timeout = num(config?.timeout);
    const enabled = interval !== null && interval > 0 && interval < DISABLED_INTERVAL;
    if (stats && timeout) {
      const near = nearTimeout(archive, jid, stats, timeout);
      if (near) out.push(near);
    }
    if (job && enabled && stats) {
      const stalled = stalledCheckpoints(jid, name, job, stats, interval!, timeout ?? 0, now);
      if (stalled) out.push(stalled);
    }
    const failed = countedFailures(stats);
    if (config && num(config.tolerable_failed_checkpoints) === 0 && failed > 0) {
      out.push(`Job ${name} (${jid}) tolerates 0 failed checkpoints (execution.checkpointing.tolerable-failed-checkpoints: 0) and ${failed} checkpoint${failed === 1 ? '' : 's'} failed: every failed checkpoint fails the job over.`);
    }
    const loop = restartLoop(archive, jid, name);
    if (loop) out.push(loop);
    if (job && Array.isArray(job.vertices)) {
      for (const v of job.vertices) {
        if (!isObject(v) || typeof v.id !== 'string') continue;
        const bp = backPressure(obj(archive.get(`/jobs/${jid}/vertices/${v.id}/backpressure`)), str(v.name) ?? v.id, jid, name);
        if (bp) out.push(bp);
      }
    }
  }
  return out;
}

/**
 * Failure messages (CheckpointFailureReason) that the checkpoint failure manager counts against
 * the tolerable failures; a checkpoint aborted because the job is restarting, or not triggered
 * because tasks were not running yet, is not counted.
 */
const COUNTED_FAILURE = /expired before completing|Asynchronous task checkpoint failed|Checkpoint was declined\.?$|Task local checkpoint failure|Failure to finalize checkpoint|exception occurred while triggering the checkpoint|IO-problem detected|Checkpoint was declined \(/i;

/** Failed checkpoints of the history whose failure counts toward the tolerable failures. */
function countedFailures(stats: Record<string, unknown> | null): number {
  const history = Array.isArray(stats?.history) ? stats!.history.filter(isObject) : [];
  return history.filter((c) => str(c.status) === 'FAILED' && COUNTED_FAILURE.test(str(c.failure_message) ?? '') && !/tasks not ready/i.test(str(c.failure_message) ?? '')).length;
}

/** The latest or 99th-percentile checkpoint duration at NEAR_TIMEOUT_SHARE of the timeout or more. */
function nearTimeout(archive: RestArchive, jid: string, stats: Record<string, unknown>, timeout: number): string | null {
  const latest = obj(stats.latest);
  const candidates: { id: number | null; ms: number; what: string }[] = [];
  const completed = obj(latest?.completed);
  if (completed && num(completed.end_to_end_duration) !== null) candidates.push({ id: num(completed.id), ms: num(completed.end_to_end_duration)!, what: 'took' });
  const failed = obj(latest?.failed);
  if (failed && num(failed.end_to_end_duration) !== null) candidates.push({ id: num(failed.id), ms: num(failed.end_to_end_duration)!, what: 'ran for' });
  const p99 = num(obj(obj(stats.summary)?.end_to_end_duration)?.p99);
  if (p99 !== null) candidates.push({ id: null, ms: p99, what: 'p99' });
  const worst = candidates.filter((c) => c.ms >= timeout * NEAR_TIMEOUT_SHARE).sort((a, b) => b.ms - a.ms)[0];
  if (!worst) return null;
  const pct = Math.round((worst.ms / timeout) * 100);
  const subject = worst.id === null ? `The 99th percentile of checkpoint durations of job ${jid} is ${worst.ms} ms` : `Checkpoint ${worst.id} of job ${jid} ${worst.what} ${worst.ms} ms`;
  const phases = worst.id !== null ? phasesOf(archive, jid, worst.id) : null;
  const detail = phases
    ? `; the ${phases.dominant} dominates (start delay ${phases.startDelay} ms, alignment ${phases.alignment} ms, sync ${phases.sync} ms, async ${phases.async} ms, at subtask ${phases.subtask} of ${phases.vertex})`
    : '; phase durations not available';
  return `${subject}, ${pct}% of the ${timeout} ms checkpoint timeout${detail}.`;
}

interface Phases {
  startDelay: number;
  alignment: number;
  sync: number;
  async: number;
  dominant: 'start delay' | 'alignment' | 'sync phase' | 'async phase';
  subtask: number;
  vertex: string;
}

/** The slowest subtask's phases of one checkpoint, from its per-subtask statistics. */
function phasesOf(archive: RestArchive, jid: string, cid: number): Phases | null {
  const prefix = `/jobs/${jid}/checkpoints/details/${cid}/subtasks/`;
  let best: Phases | null = null;
  let bestTotal = -1;
  for (const [path, doc] of archive) {
    if (!path.startsWith(prefix) || !isObject(doc) || !Array.isArray(doc.subtasks)) continue;
    const vertex = path.slice(prefix.length);
    for (const s of doc.subtasks) {
      if (!isObject(s)) continue;
      const startDelay = num(s.start_delay) ?? 0;
      const alignment = num(obj(s.alignment)?.duration) ?? 0;
      const sync = num(obj(s.checkpoint)?.sync) ?? 0;
      const async = num(obj(s.checkpoint)?.async) ?? 0;
      const total = num(s.end_to_end_duration) ?? startDelay + alignment + sync + async;
      if (total <= bestTotal) continue;
      bestTotal = total;
      const parts: [Phases['dominant'], number][] = [['start delay', startDelay], ['alignment', alignment], ['sync phase', sync], ['async phase', async]];
      const dominant = parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
      best = { startDelay, alignment, sync, async, dominant, subtask: num(s.index) ?? 0, vertex: vertexName(archive, jid, vertex) };
    }
  }
  return best;
}

function vertexName(archive: RestArchive, jid: string, vid: string): string {
  const job = obj(archive.get(`/jobs/${jid}`));
  if (job && Array.isArray(job.vertices)) for (const v of job.vertices) if (isObject(v) && v.id === vid && typeof v.name === 'string') return `${v.name} (${vid})`;
  return vid;
}

function stalledCheckpoints(jid: string, name: string, job: Record<string, unknown>, stats: Record<string, unknown>, interval: number, timeout: number, now: number): string | null {
  if (str(job.state) !== 'RUNNING') return null;
  const completed = obj(obj(stats.latest)?.completed);
  const since = num(completed?.latest_ack_timestamp) ?? num(job['start-time']);
  if (since === null || since <= 0) return null;
  const quiet = now - since;
  if (quiet <= Math.max(STALLED_INTERVALS * interval, interval + timeout)) return null;
  const intervals = Math.floor(quiet / interval);
  const last = completed ? `the latest completed one, id ${num(completed.id)}, at ${new Date(since).toISOString()}` : `none since the job started at ${new Date(since).toISOString()}`;
  return `No checkpoint of job ${name} (${jid}) completed for ${Math.round(quiet / 1000)} s, ${intervals} checkpoint intervals of ${interval} ms (${last}).`;
}

function restartLoop(archive: RestArchive, jid: string, name: string): string | null {
  const metric = archive.get(`/jobs/${jid}/metrics?get=numRestarts`);
  let restarts: number | null = null;
  if (Array.isArray(metric)) for (const m of metric) if (isObject(m) && (m.id === 'numRestarts' || m.id === 'fullRestarts')) restarts = num(m.value);
  const history = obj(obj(archive.get(`/jobs/${jid}/exceptions`))?.exceptionHistory);
  const entries = Array.isArray(history?.entries) ? history!.entries.filter(isObject) : [];
  const times = entries.map((e) => num(e.timestamp)).filter((t): t is number => t !== null).sort((a, b) => a - b);
  const n = restarts ?? times.length;
  if (n < RESTART_LOOP) return null;
  const span = times.length > 0 ? `; ${times.length} failure${times.length === 1 ? '' : 's'} in its exception history from ${new Date(times[0]!).toISOString()} to ${new Date(times[times.length - 1]!).toISOString()}` : '';
  return `Job ${name} (${jid}) restarted ${n} times${restarts === null ? ' or more' : ''}${span}.`;
}

function backPressure(bp: Record<string, unknown> | null, vertex: string, jid: string, name: string): string | null {
  if (!bp) return null;
  const level = str(bp.backpressureLevel) ?? str(bp['backpressure-level']);
  if (!level || level.toLowerCase() !== 'high') return null;
  const subtasks = Array.isArray(bp.subtasks) ? bp.subtasks.filter(isObject) : [];
  const high = subtasks.filter((s) => (str(s.backpressureLevel) ?? str(s['backpressure-level']) ?? '').toLowerCase() === 'high');
  const ratio = Math.max(0, ...subtasks.map((s) => Number(s.ratio ?? 0) || 0));
  return `Back pressure on vertex ${vertex} of job ${name} (${jid}): level HIGH, ${high.length} of ${subtasks.length} subtasks back-pressured, highest ratio ${ratio.toFixed(2)}.`;
}

function obj(v: unknown): Record<string, unknown> | null {
  return isObject(v) ? v : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^-?\d+(?:\.\d+)?$/.test(v) ? Number(v) : null;
}

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}
