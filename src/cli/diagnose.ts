// Scans the inputs of a command that reads logs: patterns (built-in and --patterns), the ignore
// file, --since/--until, Ctrl-C and SIGTERM, the progress line, warnings on standard error, and
// with --redact the redacted copy (and --redact-map's file).

import { existsSync } from 'node:fs';
import { diagnosePaths } from '../diagnose.js';
import { BUILTIN_PATTERN_DIR, loadPatterns, type Pattern } from '../detect/pattern.js';
import { readIgnoreFile, unknownRuleIds, type IgnoreRule } from '../ignore.js';
import type { Diagnosis } from '../model.js';
import { MapFileError, writeMapFile } from '../redact/map-file.js';
import { Redactor } from '../redact/redactor.js';
import { visible } from '../report/escape.js';
import { HEAP_BUDGET, holdYoungGeneration } from '../run/heap.js';
import { progressLine, stopOnSignals, UsageError, type Io } from './io.js';
import { liveOptions, parseTime, type ScanOpts } from './options.js';

/** Scans the inputs and, with --redact, returns the redacted copy (writing --redact-map); null: nothing to read. */
export async function diagnoseForCli(paths: string[], opts: Omit<ScanOpts, 'format' | 'failOn'>, io: Io): Promise<Diagnosis | null> {
  if (paths.length === 0 && io.stdin.isTTY) {
    io.stderr.write('flink-doctor: no input. Give log files or directories, or pipe a log: kubectl logs tm-pod | flink-doctor\nRun flink-doctor --help for more.\n');
    return null;
  }
  // Before the patterns load: the scan's heap is held from its start (run/heap.ts).
  holdYoungGeneration();
  let patterns: Pattern[];
  for (const d of opts.patterns) if (!existsSync(d)) throw new UsageError(`--patterns ${d}: no such directory`);
  patterns = loadPatterns([BUILTIN_PATTERN_DIR, ...opts.patterns]);
  let ignore: IgnoreRule[] = [];
  if (opts.ignore) ignore = readIgnoreFile(opts.ignore);
  else if (existsSync('.flink-doctor-ignore')) ignore = readIgnoreFile('.flink-doctor-ignore');
  const ignoreWarnings = unknownRuleIds(ignore, patterns.map((p) => p.id));
  const since = opts.since ? parseTime(opts.since, '--since') : null;
  const until = opts.until ? parseTime(opts.until, '--until') : null;

  const stop = stopOnSignals(io);
  let diagnosis;
  try {
    const progress = !opts.quiet && (io.stderr as { isTTY?: boolean }).isTTY ? progressLine(io.stderr) : null;
    diagnosis = await diagnosePaths(
      paths,
      { patterns, patternDirs: opts.patterns, since, until, ignore, signal: stop.signal, workers: opts.workers ?? 'auto', heapBudget: HEAP_BUDGET, live: liveOptions(opts), ...(opts.saveLive ? { saveLive: opts.saveLive } : {}), ...(opts.maxInflated ? { maxInflated: opts.maxInflated } : {}), ...(opts.maxMemory ? { maxMemory: opts.maxMemory } : {}), ...(progress ? { onProgress: progress.update } : {}) },
      io.stdin,
    );
    progress?.clear();
    diagnosis.warnings.unshift(...ignoreWarnings);
  } finally {
    stop.release();
  }
  const warn = (d: Diagnosis): void => {
    if (!opts.quiet) for (const w of d.warnings) io.stderr.write(`flink-doctor: warning: ${visible(w.source)}: ${visible(w.message)}\n`);
  };
  if (!opts.redact && !opts.redactMap) {
    warn(diagnosis);
    return diagnosis;
  }
  const redactor = new Redactor();
  const redacted = redactor.redactDiagnosis(diagnosis);
  warn(redacted);
  if (opts.redactMap) {
    try {
      writeMapFile(opts.redactMap, redactor.mappingText(), opts.force === true);
    } catch (e) {
      if (e instanceof MapFileError) throw new UsageError(`--redact-map ${opts.redactMap}: ${e.message}`);
      throw e;
    }
  }
  return redacted;
}
