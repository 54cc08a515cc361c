// Where the CLI writes and how it fails: the streams it is given (Io), the error a user can fix
// (UsageError, one line and exit code 2), writing a report to -o's file or standard output, and
// the progress line on a terminal, and the stop a user asks for (Ctrl-C, SIGTERM).

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Progress } from '../diagnose.js';

/** Where the CLI writes; tests pass their own. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C or SIGTERM (set by the entry point); without it the scan installs its own handlers. */
  signal?: AbortSignal;
}

/**
 * An abort signal for one scan: it fires on the entry point's signal (io.signal) or, without one,
 * on SIGINT and SIGTERM, whose handlers are installed here. release() removes them.
 */
export function stopOnSignals(io: Io): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  if (io.signal) io.signal.addEventListener('abort', stop, { once: true });
  else {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
  if (io.signal?.aborted) controller.abort();
  return {
    signal: controller.signal,
    release: () => {
      process.removeListener('SIGINT', stop);
      process.removeListener('SIGTERM', stop);
      io.signal?.removeEventListener('abort', stop);
    },
  };
}

/** A failure the user can fix: printed as one line, exit code 2. */
export class UsageError extends Error {}

/** Writes a report (its text, or its parts in order) to -o's file or to standard output. */
export function writeReport(text: string | Iterable<string>, opts: { output?: string }, io: Io): void {
  const parts = typeof text === 'string' ? [text] : text;
  if (opts.output) {
    let fd: number | null = null;
    try {
      fd = openSync(opts.output, 'w');
      for (const part of parts) writeSync(fd, part);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!code) throw e;
      throw new UsageError(`-o ${opts.output}: cannot write: ${code}`);
    } finally {
      if (fd !== null) closeSync(fd);
    }
  } else {
    for (const part of parts) io.stdout.write(part);
  }
}

/** A progress line on a terminal's stderr, redrawn at most five times a second. */
export function progressLine(err: NodeJS.WritableStream): { update: (p: Progress) => void; clear: () => void } {
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(p) {
      const now = Date.now();
      if (now - last < 200 || now - started < 500) return;
      last = now;
      shown = true;
      const mib = (n: number): string => (n / 1048576).toFixed(0);
      const rate = p.bytesDone / 1e6 / Math.max(0.001, (now - started) / 1000);
      const total = p.bytesTotal > 0 ? `/${mib(p.bytesTotal)} MiB (${Math.min(100, Math.round((100 * p.bytesDone) / p.bytesTotal))} %)` : ' MiB';
      err.write(`\r\x1b[Kflink-doctor: ${mib(p.bytesDone)}${total}, ${rate.toFixed(0)} MB/s, file ${Math.min(p.filesDone + 1, p.filesTotal)} of ${p.filesTotal}`);
    },
    clear() {
      if (shown) err.write('\r\x1b[K');
    },
  };
}
