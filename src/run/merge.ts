// Where the results of several detectors become one: a task's scan messages fed into a detector
// (its members made sources, or a later byte range of a file continuing that file's source with
// its line numbers moved on), and a detector's results exported as plain data (what a worker
// posts) and merged into another detector in task order. Every fact, signal and unknown group is
// moved to its new source index and line here and nowhere else.

import type { CheckpointState, ConfigEntry, InputWarning, LogEvent, Signal, SourceInfo } from '../model.js';
import type { Detector } from '../detect/detector.js';
import type { Facts } from '../detect/facts.js';
import type { CheckpointEntry, CheckpointFold, CheckpointTimeline } from '../detect/timeline.js';
import { mergeTallies, type SignalTally } from '../detect/thinning.js';
import type { GroupInProgress } from '../unknown/groups.js';
import type { ScanMessage } from './task.js';

/** A detector's results as plain data (structured-clone safe), sent from a worker to the calling thread. */
export interface DetectorState {
  /** Facts counted but not kept (Facts.omitted). */
  omitted: Facts['omitted'];
  sources: SourceInfo[];
  config: ConfigEntry[];
  checkpoints: Facts['checkpoints'];
  timeline: [job: string, entries: CheckpointEntry[], folds: CheckpointFold[], omitted: Record<CheckpointState, number>][];
  taskFailures: Facts['taskFailures'];
  jobs: Facts['jobs'];
  sourceFacts: [number, ReturnType<Facts['source']>][];
  signals: Signal[];
  tallies: [string, SignalTally][];
  /** The latest signal not kept of each pattern, counted in `tallies` (Detector.handOverTallies). */
  latest: Signal[];
  unknown: GroupInProgress[];
  ungrouped: number;
  events: number;
  warnings: InputWarning[];
}

/** The detector's results as plain data (for a worker to post). */
export function exportState(d: Detector, warnings: InputWarning[]): DetectorState {
  const f = d.facts;
  f.settle();
  const { tallies, latest } = d.handOverTallies();
  return {
    omitted: { ...f.omitted },
    sources: d.sources,
    config: f.config,
    checkpoints: f.checkpoints,
    timeline: f.timeline.recorded(),
    taskFailures: f.taskFailures,
    jobs: f.jobs,
    sourceFacts: [...f.sources.entries()],
    tallies,
    latest,
    signals: d.signals,
    unknown: d.unknown.building(),
    ungrouped: d.unknown.ungrouped,
    events: d.events,
    warnings,
  };
}

/**
 * Merges another detector's results into `d`, after those of the tasks before it. Each of its
 * sources becomes a new source here, except that a later byte range of a file continues
 * `continueSource`, its lines moved by `lineOffset`. Its version facts are taken in task order:
 * a version read from a banner is kept over one guessed earlier, and an earlier banner's over a
 * later range's guess. Returns its source index → `d`'s source index.
 */
export function mergeState(d: Detector, state: DetectorState, continueSource: number | null, lineOffset: number): number[] {
  const map = state.sources.map((s) => {
    if (continueSource !== null) {
      const info = d.sources[continueSource]!;
      info.bytes += s.bytes;
      info.lines += s.lines;
      info.gzip ||= s.gzip;
      return continueSource;
    }
    const i = d.addSource(s.name, s.kind, s.gzip);
    Object.assign(d.sources[i]!, { bytes: s.bytes, lines: s.lines });
    return i;
  });
  const sourceOf = (local: number): number => map[local]!;
  const f = d.facts;
  const shift = (line: number): number => line + lineOffset;
  pushAll(f.config, state.config.map((c) => ({ ...c, line: lineOffset && state.sources.some((s) => s.name === c.source && s.kind === 'log') ? shift(c.line) : c.line })));
  // Fact lines keep their text only among the scan's first DETAILED_FACTS, as on one thread (each
  // task kept the first of its own): counted in the order the task read them, source by source.
  const detailed = [...state.checkpoints.filter((c) => c.kind !== 'restored'), ...state.taskFailures, ...state.jobs].sort((a, b) => a.source - b.source || a.line - b.line);
  for (const x of detailed) x.text = f.detailMerged(x.text);
  f.countRecorded(state.omitted.checkpoints + state.omitted.taskFailures + state.omitted.jobs);
  for (const c of state.checkpoints) f.keep('checkpoints', { ...c, source: sourceOf(c.source), line: shift(c.line) });
  mergeTimeline(f.timeline, state.timeline, sourceOf, lineOffset);
  for (const t of state.taskFailures) f.keep('taskFailures', { ...t, source: sourceOf(t.source), line: shift(t.line) });
  for (const j of state.jobs) f.keep('jobs', { ...j, source: sourceOf(j.source), line: shift(j.line) });
  f.addOmitted('checkpoints', state.omitted.checkpoints);
  f.addOmitted('taskFailures', state.omitted.taskFailures);
  f.addOmitted('jobs', state.omitted.jobs);
  for (const [local, sf] of state.sourceFacts) {
    const target = f.source(sourceOf(local));
    for (const [role, v] of sf.votes) f.vote(sourceOf(local), role, v.score, v.reason);
    if (sf.versionFromBanner || !target.version) {
      if (sf.version) target.version = sf.version;
      target.versionFromBanner ||= sf.versionFromBanner;
    }
    target.component ??= sf.component;
    target.undated ||= sf.undated;
    sf.hosts.forEach((h) => target.hosts.add(h));
    sf.resourceIds.forEach((r) => target.resourceIds.add(r));
  }
  // Signals of one event share it: move each event once.
  const moved = new Set<LogEvent>();
  for (const s of [...state.signals, ...state.latest]) {
    if (!moved.has(s.event)) {
      moved.add(s.event);
      s.event.sourceIndex = sourceOf(s.event.sourceIndex);
      if (lineOffset) shiftEventLines(s.event, lineOffset);
    }
    if (lineOffset) s.line += lineOffset;
  }
  // Thinned again among all tasks' signals so far, as one thread would have (Detector.absorbSignals).
  d.absorbSignals(state.signals, state.tallies, state.latest);
  mergeTallies(d.tallied, state.tallies);
  // An occurrence names its source: one string per source here, as on one thread, not the copy
  // of it that the structured clone made for each occurrence.
  const names = new Map(state.sources.map((x, local) => [x.name, d.sources[sourceOf(local)]!.name]));
  const nameOf = (n: string): string => names.get(n) ?? n;
  for (const raw of state.unknown) {
    // Numeric roles are source indexes, resolved to roles when the groups are finished.
    const g: GroupInProgress = { ...raw, roles: new Set([...raw.roles].map((r) => (typeof r === 'number' ? sourceOf(r) : r))) };
    g.sample = { ...g.sample, source: nameOf(g.sample.source), line: g.sample.line + lineOffset };
    g.occurrences = g.occurrences.map((o) => ({ ...o, source: nameOf(o.source), line: o.line + lineOffset }));
    d.unknown.absorbGroup(g);
  }
  d.unknown.ungrouped += state.ungrouped;
  d.events += state.events;
  return map;
}

/** Merges another checkpoint history (a worker's): its source indexes through `sourceOf`, its lines moved by `lineOffset`. */
export function mergeTimeline(t: CheckpointTimeline, state: DetectorState['timeline'], sourceOf: (local: number) => number, lineOffset: number): void {
  for (const [job, entries, folds, omitted] of state) {
    t.addOmitted(job, omitted);
    for (const f of folds) t.addRun(job, { ...f, source: sourceOf(f.source), line: f.line + lineOffset });
    for (const e of entries) {
      const source = sourceOf(e.source);
      const line = e.line + lineOffset;
      if (e.triggeredAt !== null || e.state === 'triggered') t.add(job, { kind: 'triggered', id: e.id, time: e.triggeredAt, source, line });
      if (e.state !== 'triggered') {
        t.add(job, { kind: e.state, id: e.id, time: e.endedAt, source, line, reason: e.reason, ...(e.bytes !== null ? { bytes: e.bytes } : {}), ...(e.durationMs !== null ? { durationMs: e.durationMs } : {}) });
      }
    }
  }
}

/** Feeds one task's scan messages into a detector (on the calling thread, or inside a worker). */
export class TaskFeeder {
  /** Task member number → detector source index. */
  readonly members = new Map<number, number>();
  stopped = false;

  constructor(
    private readonly d: Detector,
    private readonly warnings: InputWarning[],
    /** Events of a later byte range of a file continue that file's source and line numbers. */
    private readonly continueSource: number | null = null,
    private readonly lineOffset = 0,
  ) {}

  take(msg: ScanMessage): void {
    const d = this.d;
    switch (msg.type) {
      case 'member': {
        const i = this.continueSource ?? d.addSource(msg.name, msg.kind, false, msg.roleHint, msg.host);
        this.members.set(msg.member, i);
        return;
      }
      case 'record':
        d.record(this.members.get(msg.member)!, msg.record, this.lineOffset);
        return;
      case 'config': {
        const info = d.sources[this.members.get(msg.member)!]!;
        info.bytes = msg.bytes;
        info.lines = msg.lines;
        d.config(msg.entries);
        if (msg.error) this.warnings.push({ source: info.name, message: msg.error });
        return;
      }
      case 'done': {
        const info = d.sources[this.members.get(msg.member)!]!;
        info.bytes += msg.bytes;
        info.lines += msg.lines;
        info.gzip ||= msg.gzip;
        if (msg.stopped) this.stopped = true;
        if (msg.error) this.warnings.push({ source: info.name, message: msg.error });
        return;
      }
      case 'warning':
        this.warnings.push({ source: msg.source, message: msg.message });
    }
  }
}

/** Moves an event's line numbers by `offset`. */
function shiftEventLines(e: LogEvent, offset: number): void {
  e.line += offset;
  e.lineNumbers = e.lineNumbers.map((n) => n + offset);
  for (const c of e.chain) c.line += offset;
}

/** Appends `items` to `list` (a spread push overflows the stack past about a hundred thousand items). */
function pushAll<T>(list: T[], items: T[]): void {
  for (const x of items) list.push(x);
}
