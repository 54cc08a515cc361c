// Follow mode (`--follow`): like `tail -F` on files and directories — new data, new files and
// rotated files are picked up — and on standard input, which ends at its end (like `tail -f` on a
// pipe). Records flow through the same scanner and detector as a normal scan; every `interval` the
// findings are correlated again and each new finding (or one with more occurrences) is handed to
// the caller as soon as its record is complete. Resolves to the final findings.

import { open as openFile, stat, type FileHandle } from 'node:fs/promises';
import type { Finding, InputWarning } from './model.js';
import { resolveInputs, type InputSource } from './input/sources.js';
import { buildPrefilter, lazyPrefilter } from './scan/prefilter.js';
import { scanStream } from './scan/scanner.js';
import { Detector, PROBLEM_LITERALS, TaskFeeder, scanLiterals } from './detect/detector.js';
import type { Pattern } from './detect/pattern.js';
import { correlate } from './correlate/correlate.js';
import { applyIgnores, type IgnoreRule } from './ignore.js';
import { runTask } from './scan/task.js';
import { jobUnstableFindings } from './unknown/job-unstable.js';

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

/** Follows the paths until the signal aborts (or, for standard input alone, until it ends); resolves to the final findings. */
export async function follow(paths: string[], opts: FollowOptions): Promise<Finding[]> {
  const interval = opts.interval ?? 1000;
  const detector = new Detector(opts.patterns, { since: null, until: null, fullScan: false });
  const literals = scanLiterals(opts.patterns);
  const prefilter = buildPrefilter(literals);
  const problemPrefilter = lazyPrefilter([...literals, ...PROBLEM_LITERALS]);
  const followed = new Map<string, Promise<void>>();
  const reported = new Map<string, number>();
  let dirty = false;
  // Standard input ends (a pipe, a redirected file); files are followed until the signal aborts.
  const finite = paths.every((p) => p === '-');
  let open = 0;
  let wake: (() => void) | null = null;

  const start = (input: InputSource): void => {
    if (followed.has(input.name)) return;
    if (input.kind === 'config') {
      // Configuration is read once, as in a normal scan (warnings included).
      const warnings: InputWarning[] = [];
      const feeder = new TaskFeeder(detector, warnings);
      const ctx = { prefilter, problemPrefilter, everyRecord: false };
      followed.set(input.name, runTask(input, null, ctx, (m) => feeder.take(m)).then(() => warnings.forEach(opts.onWarning)));
      dirty = true;
      return;
    }
    const i = detector.addSource(input.name, input.kind, false);
    const chunks = input.path ? tailFile(input.path, opts.signal, interval, (m) => opts.onWarning({ source: input.name, message: m })) : (input.open() as AsyncIterable<Buffer>);
    const run = async (): Promise<void> => {
      const result = await scanStream(
        chunks,
        { prefilter, problemPrefilter, problems: true, chunkBytes: 1, signal: opts.signal, onWarning: (m) => opts.onWarning({ source: input.name, message: m }) },
        (raw) => {
          detector.record(i, raw);
          dirty = true;
        },
      );
      detector.sources[i]!.bytes += result.bytes;
      detector.sources[i]!.lines += result.lines;
      dirty = true;
    };
    open++;
    followed.set(
      input.name,
      run()
        .catch((e) => opts.onWarning({ source: input.name, message: `follow stopped: ${(e as Error).message}` }))
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

  const report = (final = false): Finding[] => {
    for (let i = 0; i < detector.sources.length; i++) detector.finishSource(i);
    const { findings, checkpoints, jobTransitions } = correlate({ patterns: opts.patterns, signals: detector.signals, facts: detector.facts, sources: detector.sources });
    // A job unstable for no known reason is judged once, at the end: the unknown groups are final then.
    const unstable = final ? jobUnstableFindings({ patterns: opts.patterns, findings, unknown: detector.unknown.finish(detector.facts, detector.sources), checkpoints, jobTransitions, sources: detector.sources }) : [];
    const { kept } = applyIgnores([...findings, ...unstable], opts.ignore ?? []);
    for (const f of kept) {
      const before = reported.get(f.id);
      if (before === undefined || f.occurrences > before) {
        reported.set(f.id, f.occurrences);
        opts.onFinding(f, before === undefined);
      }
    }
    return kept;
  };

  await discover();
  while (!opts.signal.aborted && !(finite && open === 0)) {
    await sleep(interval, opts.signal, (w) => (wake = w));
    wake = null;
    if (paths.some((p) => p !== '-')) await discover();
    if (dirty) {
      dirty = false;
      report();
    }
  }
  await Promise.all(followed.values());
  return report(true);
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
