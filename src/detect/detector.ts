// The detection stage, on each scanning thread: parses the records the scanner cut into events,
// runs the fact extractors, the patterns whose literals the record holds, and hands unclaimed
// problems to the unknown-failure collector. It knows nothing of threads or byte ranges: how the
// results of several detectors are joined is run/merge.ts's job; correlation comes after.

import type { ConfigEntry, Identity, LogEvent, Role, ScannedRecord, Signal, SourceInfo } from '../model.js';
import { Facts, FACT_LITERALS } from './facts.js';
import { own } from '../strings.js';
import { extractFacts, hintsFromFileName, roleOfLogger, type ScanVisibility } from './extract.js';
import { identityOf } from './identity.js';
import { buildEvent } from '../parse/event.js';
import { isUndatedHeader } from '../parse/line.js';
import { appliesTo, type Condition, type Pattern } from './pattern.js';
import { UnknownCollector, isProblemEvent } from '../unknown/groups.js';
import { SignalThinning, mergeTallies, type SignalTally } from './thinning.js';
import { normaliseEvent, vocabularyOf } from '../parse/normalise.js';

const FACT_SET = new Set(FACT_LITERALS);

/** Signals per pattern that keep their whole event; later ones keep only its header. */
const FULL_SIGNALS = 200;

/** Extra literals that find problem lines in layouts without a fixed level column. */
export const PROBLEM_LITERALS = [' ERROR ', ' WARN ', ' FATAL ', '[ERROR', '[WARN', 'Exception', 'Error: ', 'IO error: ', 'Caused by: '];

const PROBLEM_SET = new Set(PROBLEM_LITERALS);
/** A level as the problem literals find it on a line with no fixed level column. */
const LEVEL_LITERAL = / (?:ERROR|WARN|FATAL) |\[(?:ERROR|WARN)/;
/** A stack frame as the scanner finds one: indented `at `. */
const FRAME_LINE = /^[\t ]{1,12}at /;

/** The literals the scanner must search for, for these patterns. */
export function scanLiterals(patterns: Pattern[]): string[] {
  return [...FACT_LITERALS, ...patterns.filter((p) => p.match).flatMap((p) => p.prefilterLiterals ?? [])];
}

/**
 * A search for many literals at once in a byte range (the scanner's prefilter, scan/prefilter.ts):
 * the hits' literal indexes. The detector is handed a way to build one (DetectionSetup) for its
 * second reading of normalised text.
 */
export interface LiteralSearch {
  readonly literals: readonly string[];
  find(buf: Buffer, from: number, to: number): { count: number; lit: ArrayLike<number> };
}

export interface DetectorOptions {
  since: number | null;
  until: number | null;
  /** Evaluate every pattern on every event (reference path). */
  fullScan: boolean;
}

/** Collects facts, signals and unknown problems from events, source by source. */
export class Detector {
  readonly facts = new Facts();
  readonly signals: Signal[] = [];
  readonly unknown = new UnknownCollector();
  readonly sources: SourceInfo[] = [];
  events = 0;
  private readonly eventPatterns: Pattern[];
  private readonly slow: Pattern[];
  private readonly byLiteral = new Map<string, Pattern[]>();
  private readonly signalCounts = new Map<string, number>();
  private readonly thinning = new SignalThinning();
  /** Signals of each pattern the detectors merged into this one counted, kept or not (absorbSignals). */
  private readonly absorbedCounts = new Map<string, number>();
  /** What was not kept of each pattern's signals (see thinning.ts): filled by tallies(), and by merging another detector's. */
  readonly tallied = new Map<string, SignalTally>();
  /** The scan literals (what makes a record a candidate of the fast scan): built on first use. */
  private scanSearch: LiteralSearch | null = null;
  /** Whether every scan hands the current event on (seenByEveryScan), asked for at most once per event. */
  private readonly seen = new SeenByEveryScan(this);
  /** The candidate patterns of a record with several literals (see candidatesOf), reused. */
  private readonly candidateList: Pattern[] = [];
  private readonly candidateMarks = new Map<Pattern, number>();
  private candidateMark = 0;
  /** For the second reading of unclaimed problems (see secondReading): built on first use. */
  private normalising: { vocabulary: Set<string>; literals: LiteralSearch; byIndex: Pattern[][] } | null = null;

  constructor(
    readonly patterns: Pattern[],
    private readonly opts: DetectorOptions,
    /** Builds the literal search of the second reading (see secondReading), on first use. */
    private readonly literalSearch: (literals: string[]) => LiteralSearch,
  ) {
    this.facts.onFailure = (t) => this.unknown.failure(t);
    this.eventPatterns = patterns.filter((p) => p.match);
    this.slow = this.eventPatterns.filter((p) => p.prefilterLiterals === null);
    for (const p of this.eventPatterns) {
      for (const l of p.prefilterLiterals ?? []) {
        const list = this.byLiteral.get(l) ?? [];
        if (!list.includes(p)) list.push(p);
        this.byLiteral.set(l, list);
      }
    }
  }

  /** Registers a source (a file, an archive member, a YARN container, stdin) and returns its index. */
  addSource(name: string, kind: 'log' | 'config', gzip: boolean, roleHint?: Role, host?: string): number {
    const i = this.sources.length;
    this.sources.push({ name, role: 'unknown', roleReason: null, flinkVersion: null, entrypoint: null, hosts: [], resourceIds: [], bytes: 0, lines: 0, gzip, kind });
    this.facts.names[i] = name;
    if (roleHint) this.facts.vote(i, roleHint, 30, 'container log type');
    if (host) this.facts.source(i).hosts.add(host);
    return i;
  }

  /** Reads one record as the scanner cut it (its line numbers moved by `lineOffset`). */
  record(sourceIndex: number, raw: ScannedRecord, lineOffset = 0): void {
    this.event(buildEvent(sourceIndex, raw.firstLine + lineOffset, raw.lines), raw.literals);
  }

  /** Reads one event; `literals` are the prefilter literals its record holds (null: unknown, check all). */
  event(e: LogEvent, literals: string[] | null): void {
    const { since, until } = this.opts;
    if (e.timeMs !== null && ((since !== null && e.timeMs < since) || (until !== null && e.timeMs > until))) return;
    this.events++;
    if (e.timeMs !== null && e.lines[0]!.charCodeAt(2) === 45 && isUndatedHeader(e.lines[0]!)) this.facts.source(e.sourceIndex).undated = true;
    const seen = this.seen;
    seen.event = e;
    seen.literals = literals;
    seen.known = undefined;
    if (e.pod && seen.seen()) this.podSeen(e.sourceIndex, e.pod.name);
    const role = e.logger ? roleOfLogger(e.logger) : null;
    const consequence = extractFacts(e, this.facts, literals === null || holdsFactLiteral(literals), seen, role);
    const version = this.facts.sources.get(e.sourceIndex)?.version ?? null;
    let candidates: readonly Pattern[];
    if (this.opts.fullScan || literals === null) candidates = this.eventPatterns;
    else if (literals.length === 0) candidates = this.slow;
    else if (literals.length === 1 && this.slow.length === 0) candidates = this.byLiteral.get(literals[0]!) ?? NONE;
    else candidates = this.candidatesOf(literals);
    let claimed = false;
    for (let i = 0; i < candidates.length; i++) {
      const p = candidates[i]!;
      const m = p.matches(e, version);
      if (!m) continue;
      claimed = true;
      this.signal(p, e, m.fields, m.line, m.text);
    }
    // The event no longer needed by the scan-visibility check: not kept alive until the next one.
    seen.event = null;
    seen.literals = null;
    const problem = isProblemEvent(e);
    if (!claimed && problem) claimed = this.secondReading(e, version);
    if (!claimed && !consequence && problem) this.unknown.add(e, this.facts.names[e.sourceIndex] ?? '?', role);
  }

  /**
   * The patterns to try on a record holding several literals: the slow ones, then those of each
   * literal in turn, each once, in the order a set of them would hold. The array is reused from
   * record to record (read before the next record comes).
   */
  private candidatesOf(literals: readonly string[]): readonly Pattern[] {
    const out = this.candidateList;
    out.length = 0;
    // A new mark for this record: a pattern whose mark is it was already taken.
    const mark = ++this.candidateMark;
    const marks = this.candidateMarks;
    for (const p of this.slow) {
      marks.set(p, mark);
      out.push(p);
    }
    for (const l of literals) {
      const list = this.byLiteral.get(l);
      if (list === undefined) continue;
      for (const p of list) {
        if (marks.get(p) === mark) continue;
        marks.set(p, mark);
        out.push(p);
      }
    }
    return out;
  }

  /**
   * True when every scan hands this record on: it holds a scan literal, its header's level is
   * ERROR, WARN or FATAL written as the level literals find it (` WARN `, `[ERROR`), or it holds
   * an indented stack frame. The fast scan reads only such records (and some more); the full scan
   * reads every one. Evidence that any record may carry (a logger that names the process's role,
   * the flink-dist jar of a classpath line or a frame, a kubectl pod prefix) is read only from
   * these, so both scans decide a source's role, version and hosts alike.
   */
  seenByEveryScan(e: LogEvent, literals: string[] | null): boolean {
    if (literals !== null) for (let i = 0; i < literals.length; i++) if (!PROBLEM_SET.has(literals[i]!)) return true;
    if ((e.level === 'ERROR' || e.level === 'WARN' || e.level === 'FATAL') && LEVEL_LITERAL.test(e.lines[0] ?? '')) return true;
    if (e.frames.length > 0 && e.lines.some((l) => FRAME_LINE.test(l))) return true;
    this.scanSearch ??= this.literalSearch(scanLiterals(this.patterns));
    const text = e.lines.join('\n');
    return this.scanSearch.find(Buffer.from(text), 0, Buffer.byteLength(text)).count > 0;
  }

  private signal(p: Pattern, e: LogEvent, fields: Record<string, string>, line: number, text: string): void {
    const n = (this.signalCounts.get(p.id) ?? 0) + 1;
    this.signalCounts.set(p.id, n);
    const signal: Signal = { patternId: p.id, event: e, fields, identity: identityOf(e, fields), line, text };
    if (!this.thinning.keep(signal)) return;
    // Past the first signals of a pattern, a kept signal holds copies of what it reads, not slices
    // of its record: a slice keeps the whole record (its trace included) alive for the whole scan.
    this.signals.push(n <= FULL_SIGNALS ? signal : ownSignal(signal));
  }

  /**
   * Takes the signals another detector kept (a lane's byte range or file, merged in task order:
   * run/merge.ts) as if it had found them: this detector's thinning decides again which ones it
   * keeps. A lane thins among its own task's signals only (each keeps its first KEPT_SIGNALS of a
   * pattern), so without this the merged signals, and the memory they hold, would grow with the
   * number of tasks: a crash-looping 1 GiB log held 727 MiB on four lanes. The signals of a
   * pattern that the tasks before counted, kept or not, place each signal: past the first
   * FULL_SIGNALS of its pattern it keeps only its header, as on one thread. The task's tallied
   * checkpoint ids are noted after its signals; its tallies (counts of signals not kept) are the
   * caller's to add. Its latest signal not kept of each pattern (`latest`, counted in its tallies)
   * may still be the latest of all: it is offered to this detector's thinning, which keeps the
   * latest of all those not kept (SignalThinning.offerLatest).
   */
  absorbSignals(signals: readonly Signal[], tallies: readonly [string, SignalTally][], latest: readonly Signal[] = []): void {
    const counted = this.absorbedCounts;
    const index = new Map<string, number>();
    for (const s of signals) {
      const i = (index.get(s.patternId) ?? 0) + 1;
      index.set(s.patternId, i);
      if (!this.thinning.keep(s)) continue;
      this.signals.push((counted.get(s.patternId) ?? 0) + i <= FULL_SIGNALS ? s : ownSignal(s));
    }
    for (const [id, n] of index) counted.set(id, (counted.get(id) ?? 0) + n);
    for (const [id, t] of tallies) {
      counted.set(id, (counted.get(id) ?? 0) + t.events);
      this.thinning.noteCheckpoints(id, t.checkpoints);
    }
    for (const s of latest) this.thinning.offerLatest(s);
  }

  /**
   * A problem no pattern claimed is read once more as the patterns would have seen it before an
   * issue tracker or terminal re-wrapped it (parse/normalise.ts): its wrapped lines joined and
   * its split words put together. The prefilter could not see the patterns' words in it, so the
   * candidates are the patterns whose literals the normalised text holds. The evidence is the
   * line of the log that the decisive text starts on.
   */
  private secondReading(e: LogEvent, version: string | null): boolean {
    const n = normaliseEvent(e, this.normaliser().vocabulary);
    if (!n) return false;
    const { literals, byIndex } = this.normaliser();
    const text = [n.message, ...n.chain.map((c) => c.message), ...n.lines].join('\n');
    const hits = literals.find(Buffer.from(text), 0, Buffer.byteLength(text));
    const candidates = new Set<Pattern>(this.slow);
    for (let i = 0; i < hits.count; i++) for (const p of byIndex[hits.lit[i]!]!) candidates.add(p);
    let claimed = false;
    for (const p of candidates) {
      const m = p.matches(n, version);
      if (!m) continue;
      claimed = true;
      const k = e.lineNumbers.indexOf(m.line);
      this.signal(p, e, m.fields, m.line, k >= 0 ? e.lines[k]! : m.text);
    }
    return claimed;
  }

  private normaliser(): { vocabulary: Set<string>; literals: LiteralSearch; byIndex: Pattern[][] } {
    if (this.normalising) return this.normalising;
    const lits = [...this.byLiteral.keys()];
    const prefilter = this.literalSearch(lits);
    const byIndex = prefilter.literals.map((l) => this.byLiteral.get(l) ?? []);
    return (this.normalising = { vocabulary: vocabularyOf(this.eventPatterns.flatMap((p) => regexSources(p.match))), literals: prefilter, byIndex });
  }

  /**
   * What this detector did not keep, handed over to another that merges its results (its latest
   * signal not kept of each pattern apart: Detector.absorbSignals offers them there). Once only,
   * when the scan is done, instead of tallies().
   */
  handOverTallies(): { tallies: [string, SignalTally][]; latest: Signal[] } {
    const { tallies, latest } = this.thinning.handOver();
    mergeTallies(this.tallied, tallies);
    return { tallies: [...this.tallied], latest: latest.map(ownSignal) };
  }

  /** The signals counted but not kept, by pattern, once the scan is done (the latest of each is added to the signals). */
  tallies(): Map<string, SignalTally> {
    // The latest signal not kept is past the first FULL_SIGNALS of its pattern: kept as those are.
    mergeTallies(this.tallied, this.thinning.finish((s) => this.signals.push(ownSignal(s))));
    return this.tallied;
  }

  /**
   * The signals whose pattern applies to the Flink version of their source, once the sources are
   * finished (finishSource): a line read before its source's version was known (a banner further
   * on, or in an earlier byte range) was matched without it, and is judged here.
   */
  applicableSignals(): Signal[] {
    const byId = new Map(this.patterns.map((p) => [p.id, p]));
    return this.signals.filter((s) => {
      const p = byId.get(s.patternId);
      return p !== undefined && appliesTo(p, this.sources[s.event.sourceIndex]?.flinkVersion ?? null);
    });
  }

  /** A pod named by a `kubectl logs --prefix` line: a host of the source, and a hint of its role. */
  private podSeen(i: number, pod: string): void {
    const sf = this.facts.source(i);
    if (sf.hosts.has(pod)) return;
    sf.hosts.add(pod);
    const role = /taskmanager|taskexecutor/.test(pod) ? 'taskmanager' : /jobmanager/.test(pod) ? 'jobmanager' : null;
    if (role) this.facts.vote(i, role, 15, `kubectl --prefix pod ${pod}`);
  }

  /** Adds configuration entries read from a configuration file. */
  config(entries: ConfigEntry[]): void {
    for (const c of entries) this.facts.config.push(c);
  }

  /** Decides a source's role, version and hosts once all its events were read. */
  finishSource(i: number): void {
    const info = this.sources[i]!;
    const facts = this.facts;
    const sf = facts.source(i);
    const hints = hintsFromFileName(info.name);
    if (hints.role) facts.vote(i, hints.role, 10, 'file name');
    if (hints.host) sf.hosts.add(hints.host);
    let best: [Role, { score: number; reason: string }] | null = null;
    for (const entry of sf.votes) if (!best || entry[1].score > best[1].score) best = entry;
    if (info.kind === 'log' && best) {
      info.role = best[0];
      info.roleReason = best[1].reason;
    }
    info.flinkVersion = sf.version;
    info.entrypoint = sf.component;
    info.hosts = [...sf.hosts];
    info.resourceIds = [...sf.resourceIds];
  }
}

const NONE: readonly Pattern[] = [];

/** True when a record's literals include one of the fact extractors' (FACT_LITERALS). */
function holdsFactLiteral(literals: readonly string[]): boolean {
  for (let i = 0; i < literals.length; i++) if (FACT_SET.has(literals[i]!)) return true;
  return false;
}

/**
 * Whether every scan hands the detector's current event on (Detector.seenByEveryScan), worked
 * out on the first question and remembered for the rest of the event. One per detector, reset
 * for each event: no closure is made per record.
 */
class SeenByEveryScan implements ScanVisibility {
  event: LogEvent | null = null;
  literals: string[] | null = null;
  known: boolean | undefined = undefined;
  constructor(private readonly detector: Detector) {}
  seen(): boolean {
    return (this.known ??= this.detector.seenByEveryScan(this.event!, this.literals));
  }
}

/** The regular expressions of a condition tree (their words make the vocabulary of split-word joining). */
function regexSources(c: Condition | undefined): string[] {
  if (!c) return [];
  if ('all' in c) return c.all.flatMap(regexSources);
  if ('any' in c) return c.any.flatMap(regexSources);
  if ('not' in c) return [];
  if ('level' in c) return [];
  return Object.values(c) as string[];
}

/**
 * A signal whose event is without its lines, frames and chain (only what correlation and evidence
 * read), its strings copies that hold their own characters (see own()).
 */
function ownSignal(s: Signal): Signal {
  const e = s.event;
  const fields: Record<string, string> = {};
  for (const k in s.fields) fields[k] = own(s.fields[k]!);
  const identity: Identity = {};
  for (const k in s.identity) {
    const v = s.identity[k as keyof Identity];
    (identity as Record<string, unknown>)[k] = typeof v === 'string' ? own(v) : v;
  }
  const event: LogEvent = {
    ...e,
    logger: e.logger === null ? null : own(e.logger),
    thread: e.thread === null ? null : own(e.thread),
    message: own(e.message),
    chain: [],
    frames: [],
    lines: [own(e.lines[0] ?? '')],
    lineNumbers: [e.line],
  };
  return { patternId: s.patternId, event, fields, identity, line: s.line, text: own(s.text) };
}
