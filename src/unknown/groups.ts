// Groups and ranks the ERROR/WARN events and exception chains that no pattern claimed, so the
// report can point at failures nobody wrote a pattern for: root causes over wrappers, failures
// right before restarts over background noise, rare and recent over chatty, known noise (the list in
// patterns/noise.yaml, see noise.ts) demoted.
// Fingerprints come from fingerprint.ts; which groups a report shows is decided by select().

import type { LogEvent, Role, SourceInfo, UnknownGroup, UnknownOccurrence } from '../model.js';
import { knownNoise } from './noise.js';
import { RecentRing } from './recent.js';
import { fingerprintId, fingerprintParts, framesOf, isWrapperClass, rootCause, type FingerprintParts } from './fingerprint.js';

const MAX_OCCURRENCES = 10_000;
/** Occurrences stored over all groups; past it, groups keep counting without storing more (bounded memory). */
const MAX_STORED = 100_000;
/**
 * Distinct groups kept (bounded memory). Past it the least relevant groups are dropped (their
 * occurrences only counted): rare, long unseen, and never seen just before a failure.
 */
export const MAX_GROUPS = 2_000;
/** Groups beyond MAX_GROUPS before the least relevant are dropped (so that ranking is not done at every new group). */
const EVICT_SLACK = 500;
/** Groups seen most recently, marked when a failure follows them within NEAR_FAILURE_MS. */
const RECENT_GROUPS = 64;
const MAX_RECORD_LINES = 400;
const NEAR_FAILURE_MS = 2 * 60 * 1000;

/** A group while events are collected (roles may still be source indexes). */
export interface GroupInProgress {
  parts: FingerprintParts;
  id: string;
  level: string | null;
  count: number;
  first: number | null;
  last: number | null;
  firstSeen: string | null;
  lastSeen: string | null;
  sources: Set<string>;
  /** Roles from side-specific loggers, or source indexes resolved to roles when finishing. */
  roles: Set<Role | number>;
  sample: { source: string; line: number; text: string[] };
  record: string[];
  sampleQuality: number;
  occurrences: UnknownOccurrence[];
  times: number[];
  /** Occurrences without a timestamp. */
  untimed: number;
  /** The collector's occurrence count at this group's latest occurrence (recency while scanning). */
  seq?: number;
  /** Failures seen within NEAR_FAILURE_MS after one of its occurrences, while scanning (for eviction). */
  near?: number;
}

/** The facts the ranking reads (detect/facts.ts): when jobs restarted or failed, tasks failed, checkpoints failed. */
export interface FailureFacts {
  jobs: readonly { kind: string; to: string | null; timeMs: number | null }[];
  taskFailures: readonly { timeMs: number | null }[];
  checkpoints: readonly { kind: string; timeMs: number | null }[];
}

/** True when an event is a problem worth grouping: ERROR/WARN/FATAL, or it carries an exception. */
export function isProblemEvent(e: LogEvent): boolean {
  return e.level === 'ERROR' || e.level === 'WARN' || e.level === 'FATAL' || e.chain.some((c) => c.cls !== '') || (!e.hasHeader && BARE_ERROR.test(e.message));
}

/**
 * A line pasted without log header or level that is an error all the same: a RocksDB status
 * (`IO error: …`, `Corruption: …`), a cause line of a trace, a bare `Error:`/`FATAL:` line.
 */
const BARE_ERROR = /^(?:IO error|Corruption|Invalid argument|Not implemented|Operation aborted|Resource busy|Caused by|Error|ERROR|FATAL|Fatal error):\s/;

/** Collects unclaimed problem events into fingerprint groups. */
export class UnknownCollector {
  private readonly groups = new Map<string, GroupInProgress>();
  total = 0;
  /** Problem events whose fingerprint arrived after MAX_GROUPS groups existed. */
  ungrouped = 0;
  /** Occurrences stored so far (see MAX_STORED). */
  private stored = 0;
  /** Groups seen last (see RECENT_GROUPS). */
  private readonly recent = new RecentRing<GroupInProgress>(RECENT_GROUPS);

  /**
   * A failure (job restart, task failure, failed checkpoint) at `timeMs`: the groups seen in the
   * NEAR_FAILURE_MS before it are the likelier causes, and are kept over others when groups are dropped.
   */
  failure(timeMs: number | null): void {
    if (timeMs === null) return;
    this.recent.each((g) => {
      if (g.last !== null && g.last <= timeMs + 1000 && timeMs - g.last <= NEAR_FAILURE_MS) g.near = (g.near ?? 0) + 1;
    });
  }

  /** Drops the least relevant groups down to MAX_GROUPS; their occurrences count as ungrouped. */
  private evict(): void {
    const total = Math.max(1, this.total);
    const relevance = (g: GroupInProgress): number => Math.log2(1 + g.count) + 2 * ((g.seq ?? 0) / total) + ((g.near ?? 0) > 0 ? 3 : 0);
    const ranked = [...this.groups.values()].map((g) => ({ g, r: relevance(g) })).sort((a, b) => a.r - b.r);
    for (const { g } of ranked.slice(0, ranked.length - MAX_GROUPS)) {
      this.groups.delete(g.id);
      this.ungrouped += g.count;
      this.stored -= g.occurrences.length;
    }
    this.recent.retain((g) => this.groups.has(g.id));
  }

  add(e: LogEvent, sourceName: string, role: Role | null): void {
    const parts = fingerprintParts(e);
    if (!parts.exception && !parts.message) return;
    const id = fingerprintId(parts);
    this.total++;
    let g = this.groups.get(id);
    if (!g && this.groups.size >= MAX_GROUPS + EVICT_SLACK) this.evict();
    const quality = sampleQuality(e);
    if (!g) {
      g = {
        parts,
        id,
        level: e.level,
        count: 0,
        first: null,
        last: null,
        firstSeen: null,
        lastSeen: null,
        sources: new Set(),
        roles: new Set(),
        sample: { source: sourceName, line: e.line, text: sampleText(e) },
        record: recordLines(e),
        sampleQuality: quality,
        occurrences: [],
        times: [],
        untimed: 0,
      };
      this.groups.set(id, g);
    } else if (quality > g.sampleQuality) {
      g.sample = { source: sourceName, line: e.line, text: sampleText(e) };
      g.record = recordLines(e);
      g.sampleQuality = quality;
    }
    g.count++;
    g.seq = this.total;
    this.recent.push(g);
    if (rankLevel(e.level) > rankLevel(g.level)) g.level = e.level;
    g.sources.add(sourceName);
    g.roles.add(role ?? e.sourceIndex);
    if (e.timeMs !== null) {
      if (g.first === null || e.timeMs < g.first) {
        g.first = e.timeMs;
        g.firstSeen = e.time;
      }
      if (g.last === null || e.timeMs > g.last) {
        g.last = e.timeMs;
        g.lastSeen = e.time;
      }
      if (g.times.length < MAX_OCCURRENCES && this.stored < MAX_STORED) g.times.push(e.timeMs);
    } else g.untimed++;
    if (g.occurrences.length < MAX_OCCURRENCES && this.stored < MAX_STORED) {
      g.occurrences.push({ source: sourceName, line: e.line, time: e.time });
      this.stored++;
    }
  }

  /** The groups being built, as plain data (structured-clone safe). */
  building(): GroupInProgress[] {
    return [...this.groups.values()];
  }

  /**
   * Takes in a group another collector built (its source indexes and lines already made this
   * collector's): a new group, or joined with the one of the same fingerprint.
   */
  absorbGroup(b: GroupInProgress): void {
    this.total += b.count;
    const g = this.groups.get(b.id);
    // The occurrences stored over all groups stay within MAX_STORED here too: each detector merged
    // stored up to it on its own.
    const room = Math.max(0, MAX_STORED - this.stored);
    if (!g) {
      if (this.groups.size >= MAX_GROUPS + EVICT_SLACK) this.evict();
      if (b.occurrences.length > room) b.occurrences = b.occurrences.slice(0, room);
      if (b.times.length > room) b.times = b.times.slice(0, room);
      this.stored += b.occurrences.length;
      this.groups.set(b.id, b);
      return;
    }
    if (b.sampleQuality > g.sampleQuality) {
      g.sample = b.sample;
      g.record = b.record;
      g.sampleQuality = b.sampleQuality;
    }
    this.stored += absorb(g, b, room);
  }

  /** Ranks the groups using the failure times known from the facts. */
  finish(facts: FailureFacts, sources: SourceInfo[]): UnknownGroup[] {
    const failures: number[] = [];
    for (const j of facts.jobs) if (j.timeMs !== null && (j.kind !== 'transition' || j.to === 'RESTARTING' || j.to === 'FAILED' || j.to === 'FAILING')) failures.push(j.timeMs);
    for (const t of facts.taskFailures) if (t.timeMs !== null) failures.push(t.timeMs);
    for (const c of facts.checkpoints) if (c.timeMs !== null && ['declined', 'discarded', 'failed', 'expired'].includes(c.kind)) failures.push(c.timeMs);
    failures.sort((a, b) => a - b);
    if (this.groups.size > MAX_GROUPS) this.evict();
    const groups = mergeFrameless([...this.groups.values()]);
    let end = -Infinity;
    let start = Infinity;
    for (const g of groups) {
      if (g.last !== null) end = Math.max(end, g.last);
      if (g.first !== null) start = Math.min(start, g.first);
    }
    const span = end > start ? end - start : 0;
    const out: UnknownGroup[] = [];
    for (const g of groups) {
      const reasons: string[] = [];
      let score = g.level === 'ERROR' || g.level === 'FATAL' ? 3 : g.level === 'WARN' ? 1 : 0.5;
      if (g.parts.exception) score += 1;
      const wrapper = g.parts.exception !== '' && isWrapperClass(g.parts.exception);
      if (wrapper) {
        score -= 3;
        reasons.push('only a wrapper: the record does not show what it wraps');
      }
      const near = g.times.filter((t) => nearFailure(failures, t)).length;
      if (near > 0) {
        // A failure that is always followed by a restart counts fully; a chatty line that merely
        // happens to fall before one counts by the share of its occurrences that do.
        const share = near / g.times.length;
        score += 5 * share;
        reasons.push(
          g.times.length === 1 ? 'just before a job restart, task failure or failed checkpoint' : `${near} of ${g.times.length} just before a job restart, task failure or failed checkpoint`,
        );
      }
      score += 2 / (1 + Math.log10(g.count));
      if (g.count === 1) reasons.push('occurs once');
      else if (g.count > 100) reasons.push(`frequent (${g.count}×)`);
      const steady = g.count >= 20 && span > 0 && g.first !== null && g.last !== null && g.last - g.first >= span * 0.5;
      if (steady) {
        score -= 1.5;
        reasons.push('steady throughout the log');
      }
      if (!steady && g.last !== null && span > 0 && g.last >= end - span * 0.1) {
        score += 1;
        reasons.push('recent');
      }
      const text = `${g.parts.exception}: ${g.parts.message} ${g.sample.text.join(' ')}`;
      const noise = knownNoise().find((b) => b.re.test(text));
      if (noise) reasons.push(`known background noise (${noise.label})`);
      out.push({
        fingerprint: g.id,
        exception: g.parts.exception,
        message: g.parts.message,
        frames: g.parts.frames,
        level: g.level,
        count: g.count,
        firstSeen: g.firstSeen,
        lastSeen: g.lastSeen,
        sources: [...g.sources],
        roles: [...new Set([...g.roles].map((r) => (typeof r === 'number' ? (sources[r]?.role ?? 'unknown') : r)))],
        rank: 0,
        score: Math.round(score * 100) / 100,
        benign: noise !== undefined,
        wrapper,
        nearFailures: near,
        reasons,
        sample: g.sample,
        record: g.record,
        occurrences: g.occurrences,
      });
    }
    out.sort(
      (a, b) =>
        Number(a.benign) - Number(b.benign) ||
        b.score - a.score ||
        (a.firstSeen ?? '').localeCompare(b.firstSeen ?? '') ||
        a.fingerprint.localeCompare(b.fingerprint),
    );
    out.forEach((g, i) => (g.rank = i + 1));
    return out;
  }
}

/** The groups a report shows: the top `n` by rank, split into likely failures and known noise. */
export function selectUnknown(groups: UnknownGroup[], n: number): { top: UnknownGroup[]; benign: UnknownGroup[]; total: number; benignTotal: number; hidden: number } {
  const shown = n > 0 ? groups.slice(0, n) : [];
  return {
    top: shown.filter((g) => !g.benign),
    benign: shown.filter((g) => g.benign),
    total: groups.length,
    benignTotal: groups.filter((g) => g.benign).length,
    hidden: groups.length - shown.length,
  };
}

/**
 * Adds group `g`'s counts, sources and roles to group `t`, and of its times and occurrences as
 * many as `t` and `room` (the occurrences the collector may still store) hold; returns the
 * occurrences added.
 */
function absorb(t: GroupInProgress, g: GroupInProgress, room = Infinity): number {
  t.count += g.count;
  if (rankLevel(g.level) > rankLevel(t.level)) t.level = g.level;
  for (const s of g.sources) t.sources.add(s);
  for (const r of g.roles) t.roles.add(r);
  if (g.first !== null && (t.first === null || g.first < t.first)) {
    t.first = g.first;
    t.firstSeen = g.firstSeen;
  }
  if (g.last !== null && (t.last === null || g.last > t.last)) {
    t.last = g.last;
    t.lastSeen = g.lastSeen;
  }
  for (const x of g.times.slice(0, Math.max(0, Math.min(room, MAX_OCCURRENCES - t.times.length)))) t.times.push(x);
  t.untimed += g.untimed;
  const added = g.occurrences.slice(0, Math.max(0, Math.min(room, MAX_OCCURRENCES - t.occurrences.length)));
  for (const o of added) t.occurrences.push(o);
  return added.length;
}

/**
 * Folds a group without frames (the one-line form of a failure, e.g. a task failure cause in a
 * JobManager line) into the one group with the same exception and message that has frames.
 */
function mergeFrameless(list: GroupInProgress[]): GroupInProgress[] {
  const framed = new Map<string, GroupInProgress[]>();
  for (const g of list) {
    if (g.parts.frames.length === 0) continue;
    const key = `${g.parts.exception}\n${g.parts.message}`;
    framed.set(key, [...(framed.get(key) ?? []), g]);
  }
  const out: GroupInProgress[] = [];
  for (const g of list) {
    const targets = g.parts.frames.length === 0 && g.parts.exception ? framed.get(`${g.parts.exception}\n${g.parts.message}`) : undefined;
    if (!targets || targets.length !== 1) {
      out.push(g);
      continue;
    }
    const t = targets[0]!;
    absorb(t, g);
    t.occurrences.sort((a, b) => (a.time ?? '').localeCompare(b.time ?? ''));
  }
  return out;
}

/** The record's lines as in the source (parts of one source line joined again, empty parts dropped), capped. */
function recordLines(e: LogEvent): string[] {
  const out: string[] = [];
  let lastNo = -1;
  for (let i = 0; i < e.lines.length && out.length <= MAX_RECORD_LINES; i++) {
    const part = e.lines[i]!;
    const no = e.lineNumbers[i] ?? lastNo;
    if (no === lastNo && out.length > 0) {
      if (part !== '') out[out.length - 1] = out[out.length - 1] === '' ? part : `${out[out.length - 1]} ${part.trimStart()}`;
    } else out.push(part);
    lastNo = no;
  }
  return out.slice(0, MAX_RECORD_LINES);
}

function rankLevel(l: string | null): number {
  return l === 'FATAL' ? 4 : l === 'ERROR' ? 3 : l === 'WARN' ? 2 : l ? 1 : 0;
}

/** How complete a record is as the group's example: chain links, frames, a real header. */
function sampleQuality(e: LogEvent): number {
  return e.chain.length * 10 + Math.min(e.frames.length, 30) + (e.hasHeader ? 5 : 0) + (e.level === 'ERROR' || e.level === 'FATAL' ? 2 : 0);
}

function nearFailure(sorted: number[], t: number): boolean {
  // First failure at or after t - 1 s.
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < t - 1000) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo]! - t <= NEAR_FAILURE_MS;
}

/** The lines that matter of an event: its header, its exception chain and the root cause's first frames. */
function sampleText(e: LogEvent): string[] {
  const out = [e.lines[0] ?? e.message];
  for (const c of e.chain) {
    const line = `${c.kind === 'caused-by' ? 'Caused by: ' : c.kind === 'suppressed' ? 'Suppressed: ' : ''}${c.cls ? `${c.cls}: ` : ''}${c.message.split('\n')[0]}`;
    const first = (e.lines[0] ?? '').trim();
    // Skip the link when the header line already shows it (the first line, or an exception written inline).
    const inline = c.cls !== '' && first.includes(c.cls) && first.includes(c.message.split('\n')[0]!.trim());
    if (line.trim() !== first && !inline) out.push(line.slice(0, 400));
  }
  const root = rootCause(e.chain);
  if (root) for (const f of framesOf(e, root).slice(0, 5)) out.push(`\tat ${f}`);
  return out.map((l) => (l.length > 400 ? l.slice(0, 399) + '…' : l));
}
