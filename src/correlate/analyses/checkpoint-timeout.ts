// The `checkpoint-timeout` analysis: compares the checkpoint timeout (execution.checkpointing.timeout,
// else Flink's default of 10 minutes) with how long the job's completed checkpoints took and with
// the checkpoint interval, to tell whether the timeout is too short for this job's checkpoints or
// the expired ones were held up (back-pressure, barrier alignment, a blocked task).

import type { ConfigChangeLine, ConfigEntry, FindingFacts, Signal } from '../../model.js';
import type { Facts } from '../../detect/facts.js';

const TIMEOUT_KEYS = ['execution.checkpointing.timeout'];
const INTERVAL_KEYS = ['execution.checkpointing.interval'];
/** Flink's default checkpoint timeout. */
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** Completed checkpoints that took this share of the timeout or more leave no room: the timeout is too short. */
const TOO_SHORT = 0.8;

/** Milliseconds of a Flink duration value (`600000`, `10 min`, `10min`, `30 s`, `1h`, `PT10M`); null when unreadable. */
export function flinkDurationMs(value: string): number | null {
  const v = value.trim().toLowerCase();
  const iso = /^pt(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(v);
  if (iso && (iso[1] || iso[2] || iso[3])) return (+(iso[1] ?? 0) * 3600 + +(iso[2] ?? 0) * 60 + +(iso[3] ?? 0)) * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|milli|millis|millisecond|milliseconds|s|sec|secs|second|seconds|m|min|mins|minute|minutes|h|hour|hours|d|day|days)?$/.exec(v);
  if (!m) return null;
  const unit = m[2] ?? 'ms';
  const factor = /^m(?:s|illi)/.test(unit) ? 1 : /^s/.test(unit) ? 1000 : /^m/.test(unit) ? 60_000 : /^h/.test(unit) ? 3_600_000 : 86_400_000;
  return Math.round(+m[1]! * factor);
}

function pick(config: ConfigEntry[], keys: string[]): ConfigEntry | null {
  for (const k of keys) {
    const e = [...config].reverse().find((c) => c.key === k && c.value.trim() !== '');
    if (e) return e;
  }
  return null;
}

function words(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${+(ms / 1000).toFixed(1)} s`;
  return `${+(ms / 60_000).toFixed(1)} min`;
}

/** The completed checkpoints' durations of the given jobs (all jobs when none is named), with folded runs' extremes. */
function durations(facts: Facts, jobs: string[]): { list: number[]; max: number | null; count: number } {
  const list: number[] = [];
  let max: number | null = null;
  let count = 0;
  for (const job of jobs.length > 0 ? jobs : facts.timeline.jobIds()) {
    for (const e of facts.timeline.entries(job)) {
      if (e.state !== 'completed') continue;
      count++;
      if (e.durationMs !== null) {
        list.push(e.durationMs);
        max = Math.max(max ?? 0, e.durationMs);
      }
    }
    for (const f of facts.timeline.folds(job)) {
      count += f.lastId - f.firstId + 1;
      if (f.maxDurationMs !== null) max = Math.max(max ?? 0, f.maxDurationMs);
    }
  }
  return { list: list.sort((a, b) => a - b), max, count };
}

/** The `checkpoint-timeout` analysis. */
export const checkpointTimeout = {
  name: 'checkpoint-timeout',
  enrich({ signals, jobs, facts }: { signals: Signal[]; jobs: string[]; facts: Facts }) {
    const timeoutEntry = pick(facts.config, TIMEOUT_KEYS);
    const intervalEntry = pick(facts.config, INTERVAL_KEYS);
    const configured = timeoutEntry ? flinkDurationMs(timeoutEntry.value) : null;
    const timeoutMs = configured ?? DEFAULT_TIMEOUT_MS;
    const timeoutFrom = configured !== null ? timeoutEntry!.key : 'default';
    const intervalMs = intervalEntry ? flinkDurationMs(intervalEntry.value) : null;
    const d = durations(facts, jobs);
    const median = d.list.length > 0 ? d.list[Math.floor((d.list.length - 1) / 2)]! : null;
    const expired = new Set(signals.map((s) => `${s.identity.job ?? ''}#${s.identity.checkpoint ?? s.line}`)).size;
    const verdict: NonNullable<FindingFacts['checkpointTimeout']>['verdict'] = d.max === null ? 'undetermined' : d.max >= TOO_SHORT * timeoutMs ? 'timeout-too-short' : 'not-the-timeout';
    const timeoutWords = `${words(timeoutMs)} timeout (${timeoutFrom === 'default' ? "Flink's default" : `${timeoutFrom}: ${timeoutEntry!.value}`})`;
    const intervalClause = intervalMs !== null && d.max !== null && d.max > intervalMs ? `; they also take longer than the ${words(intervalMs)} checkpoint interval, so a new checkpoint is due as soon as one ends` : '';
    const impact: string[] = [];
    const unchecked: string[] = [];
    const configChange: ConfigChangeLine[] = [];
    if (verdict === 'timeout-too-short') {
      impact.push(`The timeout is too short for this job: completed checkpoints took up to ${words(d.max!)}${median !== null ? ` (median ${words(median)})` : ''}, ${Math.round((100 * d.max!) / timeoutMs)}% of the ${timeoutWords}${intervalClause}.`);
      const suggested = Math.ceil((2 * d.max!) / 60_000);
      configChange.push({ key: timeoutEntry?.key ?? TIMEOUT_KEYS[0]!, value: `${suggested} min`, action: timeoutEntry ? 'change' : 'add', note: `twice the longest completed checkpoint (${words(d.max!)})` });
    } else if (verdict === 'not-the-timeout') {
      impact.push(`Not the timeout: completed checkpoints took at most ${words(d.max!)}${median !== null ? ` (median ${words(median)})` : ''} against the ${timeoutWords}, so the expired ones were held up — back-pressure, barrier alignment or a blocked task at the time they expired${intervalClause}.`);
    } else {
      unchecked.push(`No completed checkpoint with a duration in the input to compare with the ${timeoutWords}: whether the timeout is too short or the job was back-pressured could not be told.`);
    }
    // The keys it read are shown through the pattern's `config:` list.
    return {
      impact,
      unchecked,
      ...(configChange.length > 0 ? { configChange } : {}),
      values: { timeoutVerdict: verdict },
      facts: { checkpointTimeout: { timeoutMs, timeoutFrom, intervalMs, completed: d.count, medianDurationMs: median, maxDurationMs: d.max, expired, verdict } },
    };
  },
};
