// Groups and ranks the ERROR/WARN events and exception chains that no pattern claimed, so the
// report can point at failures nobody wrote a pattern for: root causes over wrappers, failures
// right before restarts over background noise, rare and recent over chatty, known noise demoted.

import type { LogEvent, Role, SourceInfo } from '../model.js';
import type { Facts } from '../detect/facts.js';
import { fingerprintId, fingerprintParts, framesOf, rootCause, type FingerprintParts } from './fingerprint.js';

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
  /** 1 = most likely relevant. */
  rank: number;
  score: number;
  /** Known background noise (demoted). */
  benign: boolean;
  /** Why it ranks where it does. */
  reasons: string[];
  /** A representative occurrence, trimmed to what matters. */
  sample: { source: string; line: number; text: string[] };
  /** Every occurrence (capped), for `flink-doctor explain`. */
  occurrences: UnknownOccurrence[];
}

const BENIGN: RegExp[] = [
  /Unable to load native-hadoop library/,
  /Revoking previously assigned partitions|\(Re-\)joining group|group is rebalancing|Request joining group due to|rebalance/i,
  /configuration (?:option|key|property) .* (?:is )?deprecated|is deprecated\. Use .* instead/i,
  /Error while loading kafka-version\.properties/,
  /SASL configuration failed|without SASL/,
  /Log file environment variable 'log\.file' is not set/,
  /exceeded the \d+ characters length limit and was truncated/,
  /Property \[transaction\.timeout\.ms\] not specified/,
  /No hostname could be resolved for the IP address/,
  /The (?:configuration|config) .* (?:was supplied but isn't a known config|isn't a known config)/,
  /Failed to (?:register|unregister) (?:metric|MBean)|metric group .* already exists|Name collision: Group already contains a Metric/i,
  /Could not find Hadoop configuration via any of the supported methods/,
  /Log4j.*(?:deprecated|WARN)|SLF4J: /,
];

const MAX_OCCURRENCES = 10_000;
/** Distinct groups kept; further new fingerprints are only counted, so memory stays bounded. */
const MAX_GROUPS = 2_000;
const NEAR_FAILURE_MS = 2 * 60 * 1000;

interface Building {
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
  occurrences: UnknownOccurrence[];
  times: number[];
}

/** True when an event is a problem worth grouping: ERROR/WARN/FATAL, or it carries an exception. */
export function isProblemEvent(e: LogEvent): boolean {
  return e.level === 'ERROR' || e.level === 'WARN' || e.level === 'FATAL' || e.chain.some((c) => c.cls !== '');
}

/** Collects unclaimed problem events into fingerprint groups. */
export class UnknownCollector {
  private readonly groups = new Map<string, Building>();
  total = 0;
  /** Problem events whose fingerprint arrived after MAX_GROUPS groups existed. */
  ungrouped = 0;

  add(e: LogEvent, sourceName: string, role: Role | null): void {
    const parts = fingerprintParts(e);
    if (!parts.exception && !parts.message) return;
    const id = fingerprintId(parts);
    this.total++;
    let g = this.groups.get(id);
    if (!g && this.groups.size >= MAX_GROUPS) {
      this.ungrouped++;
      return;
    }
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
        occurrences: [],
        times: [],
      };
      this.groups.set(id, g);
    }
    g.count++;
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
      if (g.times.length < MAX_OCCURRENCES) g.times.push(e.timeMs);
    }
    if (g.occurrences.length < MAX_OCCURRENCES) g.occurrences.push({ source: sourceName, line: e.line, time: e.time });
  }

  /** Ranks the groups using the failure times known from the facts. */
  finish(facts: Facts, sources: SourceInfo[]): UnknownGroup[] {
    const failures: number[] = [];
    for (const j of facts.jobs) if (j.timeMs !== null && (j.kind !== 'transition' || j.to === 'RESTARTING' || j.to === 'FAILED' || j.to === 'FAILING')) failures.push(j.timeMs);
    for (const t of facts.taskFailures) if (t.timeMs !== null) failures.push(t.timeMs);
    for (const c of facts.checkpoints) if (c.timeMs !== null && ['declined', 'discarded', 'failed', 'expired'].includes(c.kind)) failures.push(c.timeMs);
    failures.sort((a, b) => a - b);
    let end = -Infinity;
    let start = Infinity;
    for (const g of this.groups.values()) {
      if (g.last !== null) end = Math.max(end, g.last);
      if (g.first !== null) start = Math.min(start, g.first);
    }
    const out: UnknownGroup[] = [];
    for (const g of this.groups.values()) {
      const reasons: string[] = [];
      let score = g.level === 'ERROR' || g.level === 'FATAL' ? 3 : g.level === 'WARN' ? 1 : 0.5;
      if (g.parts.exception) score += 1;
      const near = g.times.some((t) => nearFailure(failures, t));
      if (near) {
        score += 5;
        reasons.push('occurs just before a task failure, restart or failed checkpoint');
      }
      score += 2 / (1 + Math.log10(g.count));
      if (g.count === 1) reasons.push('occurs once');
      else if (g.count > 100) reasons.push(`frequent (${g.count}×)`);
      if (g.last !== null && end > start && g.last >= end - (end - start) * 0.1) {
        score += 1;
        reasons.push('recent');
      }
      const text = `${g.parts.exception}: ${g.parts.message} ${g.sample.text.join(' ')}`;
      const benign = BENIGN.some((re) => re.test(text));
      if (benign) {
        score -= 10;
        reasons.push('known background noise');
      }
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
        benign,
        reasons,
        sample: g.sample,
        occurrences: g.occurrences,
      });
    }
    out.sort((a, b) => b.score - a.score || (a.firstSeen ?? '').localeCompare(b.firstSeen ?? '') || a.fingerprint.localeCompare(b.fingerprint));
    out.forEach((g, i) => (g.rank = i + 1));
    return out;
  }
}

function rankLevel(l: string | null): number {
  return l === 'FATAL' ? 4 : l === 'ERROR' ? 3 : l === 'WARN' ? 2 : l ? 1 : 0;
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
    if (line.trim() !== (e.lines[0] ?? '').trim()) out.push(line.slice(0, 400));
  }
  const root = rootCause(e.chain);
  if (root) for (const f of framesOf(e, root).slice(0, 5)) out.push(`\tat ${f}`);
  return out.map((l) => (l.length > 400 ? l.slice(0, 399) + '…' : l));
}
