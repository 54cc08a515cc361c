// Follow mode (`--follow`): like `tail -F` on files and directories — new data, new files and
// rotated files are picked up — and on standard input, which ends at its end (like `tail -f` on a
// pipe). Records flow through the same scanner and detector as a normal scan; every `interval` the
// findings are correlated again and each new finding (or one with more occurrences) is handed to
// the caller as soon as its record is complete. Resolves to the final findings. The Kafka watcher
// (fleet/) reuses the same live detection.

import { open as openFile, stat, type FileHandle } from 'node:fs/promises';
import type { Finding, InputWarning } from './model.js';
import { resolveInputs, type InputSource } from './input/sources.js';
import { scanStream, type ScanResult } from './scan/scanner.js';
import type { Detector } from './detect/detector.js';
import type { Pattern } from './detect/pattern.js';
import { detectionSetup, type DetectionSetup } from './setup.js';
import { correlate } from './correlate/correlate.js';
import { applyIgnores, type IgnoreRule } from './ignore.js';
import { runTask } from './run/task.js';
import { TaskFeeder } from './run/merge.js';
import { jobUnstableFindings } from './correlate/job-unstable.js';

export interface FollowOptions {
  patterns: Pattern[];
  ignore?: IgnoreRule[];
  signal: AbortSignal;
  /** How often files are polled and findings re-evaluated (ms). */
  interval?: number;
  stdin?: NodeJS.ReadableStream;
  /** A new finding, or one whose occurrences grew. */
  onFinding: (f: Finding, isNew: boolean) => void;
  onWarning: (w: InputWarning) => void;
}

/** What every live detection over one set of patterns shares: the detection setup and the ignore rules. */
export interface LiveSetup extends DetectionSetup {
  ignore: IgnoreRule[];
}

/** Builds the setup once for many live detections (a Kafka watcher keeps one per source group). */
export function liveSetup(patterns: Pattern[], ignore: IgnoreRule[] = []): LiveSetup {
  return { ...detectionSetup(patterns), ignore };
}

/**
 * Detection and correlation over sources whose data keeps arriving: each source's chunks go
 * through the scanner and detector as they come, and report() correlates everything read so far
 * and hands on each finding that is new or has more occurrences than when it was last handed on.
 * `--follow` keeps one; the Kafka watcher keeps one per group of sources.
 */
export class LiveDetection {
  readonly detector: Detector;
  /** True when records arrived since the last report. */
  dirty = false;
  private readonly reported = new Map<string, number>();

  constructor(readonly setup: LiveSetup) {
    this.detector = setup.detector();
  }

  /** Registers a log source and returns its index. */
  addSource(name: string): number {
    return this.detector.addSource(name, 'log', false);
  }

  /**
   * Scans a source's chunks until they end or the signal aborts; line numbers are moved by
   * `lineOffset` (a source scanned again from where an earlier scan of it ended).
   */
  async scan(source: number, chunks: AsyncIterable<Buffer>, signal: AbortSignal, onWarning: (m: string) => void, lineOffset = 0): Promise<ScanResult> {
    const { prefilter, problemPrefilter } = this.setup;
    const result = await scanStream(chunks, { prefilter, problemPrefilter, problems: true, chunkBytes: 1, signal, onWarning }, (raw) => {
      this.detector.record(source, raw, lineOffset);
      this.dirty = true;
    });
    this.detector.sources[source]!.bytes += result.bytes;
    this.detector.sources[source]!.lines += result.lines;
    this.dirty = true;
    return result;
  }

  /** Reads a configuration input once, as a normal scan does; its warnings are handed on. */
  async readConfig(input: InputSource, onWarning: (w: InputWarning) => void): Promise<void> {
    const warnings: InputWarning[] = [];
    const feeder = new TaskFeeder(this.detector, warnings);
    const ctx = { prefilter: this.setup.prefilter, problemPrefilter: this.setup.problemPrefilter, everyRecord: false };
    this.dirty = true;
    await runTask(input, null, ctx, (m) => feeder.take(m));
    warnings.forEach(onWarning);
    this.dirty = true;
  }

  /**
   * Correlates what was read; calls `onFinding` for each new finding or one with more occurrences.
   * `final`: the input has ended, so a job unstable for no known reason is judged too (the
   * unknown groups are final then).
   */
  report(onFinding: (f: Finding, isNew: boolean) => void, final = false): Finding[] {
    const detector = this.detector;
    this.dirty = false;
    for (let i = 0; i < detector.sources.length; i++) detector.finishSource(i);
    const { findings, checkpoints, jobTransitions } = correlate({ patterns: this.setup.patterns, signals: detector.applicableSignals(), facts: detector.facts, sources: detector.sources });
    const unstable = final ? jobUnstableFindings({ patterns: this.setup.patterns, findings, unknown: detector.unknown.finish(detector.facts, detector.sources), checkpoints, jobTransitions, sources: detector.sources }) : [];
    const { kept } = applyIgnores([...findings, ...unstable], this.setup.ignore);
    for (const f of kept) {
      const before = this.reported.get(f.id);
      if (before === undefined || f.occurrences > before) {
        this.reported.set(f.id, f.occurrences);
        onFinding(f, before === undefined);
      }
    }
    return kept;
  }
}

/** Follows the paths until the signal aborts (or, for standard input alone, until it ends); resolves to the final findings. */
export async function follow(paths: string[], opts: FollowOptions): Promise<Finding[]> {
  const interval = opts.interval ?? 1000;
  const live = new LiveDetection(liveSetup(opts.patterns, opts.ignore));
  const followed = new Map<string, Promise<void>>();
  // Standard input ends (a pipe, a redirected file); files are followed until the signal aborts.
  const finite = paths.every((p) => p === '-');
  let open = 0;
  let wake: (() => void) | null = null;

  const start = (input: InputSource): void => {
    if (followed.has(input.name)) return;
    if (input.kind === 'config') {
      // Configuration is read once, as in a normal scan (warnings included).
      followed.set(input.name, live.readConfig(input, opts.onWarning));
      return;
    }
    const i = live.addSource(input.name);
    const warn = (m: string): void => opts.onWarning({ source: input.name, message: m });
    const chunks = input.path ? tailFile(input.path, opts.signal, interval, warn) : (input.open() as AsyncIterable<Buffer>);
    open++;
    followed.set(
      input.name,
      live
        .scan(i, chunks, opts.signal, warn)
        .then(
          () => undefined,
          (e) => warn(`follow stopped: ${(e as Error).message}`),
        )
        .finally(() => {
          open--;
          wake?.();
        }),
    );
  };

  const discover = async (): Promise<void> => {
    const { sources, warnings } = await resolveInputs(paths, opts.stdin);
    for (const w of warnings) if (!followed.has(`warn:${w.source}`)) {
      followed.set(`warn:${w.source}`, Promise.resolve());
      opts.onWarning(w);
    }
    for (const s of sources) start(s);
  };

  await discover();
  while (!opts.signal.aborted && !(finite && open === 0)) {
    await sleep(interval, opts.signal, (w) => (wake = w));
    wake = null;
    if (paths.some((p) => p !== '-')) await discover();
    if (live.dirty) live.report(opts.onFinding);
  }
  await Promise.all(followed.values());
  return live.report(opts.onFinding, true);
}

/** Waits `ms`, less when the signal aborts or the waker `onWake` hands out is called. */
function sleep(ms: number, signal: AbortSignal, onWake?: (wake: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
    onWake?.(done);
  });
}

/**
 * Yields a file's bytes and then whatever is appended, like `tail -F`: when the path is replaced
 * (rotation) or truncated, the rest of the old file is read and the new one followed from its start.
 */
export async function* tailFile(path: string, signal: AbortSignal, interval: number, warn: (m: string) => void): AsyncGenerator<Buffer> {
  let fh: FileHandle | null = null;
  let ino = -1;
  let pos = 0;
  const buf = Buffer.alloc(1 << 20);
  try {
    while (!signal.aborted) {
      if (!fh) {
        try {
          fh = await openFile(path, 'r');
          ino = (await fh.stat()).ino;
          pos = 0;
        } catch {
          await sleep(interval, signal);
          continue;
        }
      }
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead > 0) {
        pos += bytesRead;
        yield Buffer.from(buf.subarray(0, bytesRead));
        continue;
      }
      // At the end of the open file: has the path been rotated or truncated?
      let current: { ino: number; size: number } | null = null;
      try {
        current = await stat(path);
      } catch {
        current = null;
      }
      if (current && (current.ino !== ino || current.size < pos)) {
        if (current.size < pos && current.ino === ino) warn('file was truncated; following it from its start');
        await fh.close();
        fh = null;
        continue;
      }
      await sleep(interval, signal);
    }
  } finally {
    await fh?.close();
  }
}
