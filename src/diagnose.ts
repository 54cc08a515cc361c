// The library entry point: diagnose(sources, options) is the pipeline input → records → facts
// and signals → findings → report data. The detection setup (setup.ts) is built once from the
// patterns; the execution plan (run/plan.ts) decides how the machine is used (the calling thread,
// a pipeline, or lanes with byte ranges); run/ runs it and hands back what was detected, the same
// whatever the plan; correlation and the unknown-failure ranking run on the calling thread. It
// never prints and never exits.

import type { Diagnosis, InputWarning, SourceInfo } from './model.js';
import { severityRank } from './model.js';
import { resolveInputs, type InputSource, type ResolveOptions } from './input/sources.js';
import { loadPatterns, BUILTIN_PATTERN_DIR, type Pattern } from './detect/pattern.js';
import { FACT_TAIL } from './detect/facts.js';
import { KEEP, OLD_KEPT } from './detect/timeline.js';
import { detectionSetup } from './setup.js';
import { planExecution, type ExecutionSettings } from './run/plan.js';
import { runDetection, type Detected, type Progress } from './run/run.js';
import { heapSettle } from './run/heap.js';
import { correlate } from './correlate/correlate.js';
import { applyIgnores, type IgnoreRule } from './ignore.js';
import { MAX_GROUPS } from './unknown/groups.js';
import { jobUnstableFindings } from './correlate/job-unstable.js';
import { coverage } from './coverage.js';
import { attributeRocksDbLogs, shareHostsOfOneProcess } from './hosts.js';

export type { Progress } from './run/run.js';

/**
 * What to diagnose and how: the patterns, a time window, ignore rules, limits on what is read
 * (ResolveOptions, maxInflated), and how the machine is used (ExecutionSettings: lanes, memory
 * budget, heap budget; run/plan.ts).
 */
export interface DiagnoseOptions extends ResolveOptions, ExecutionSettings {
  /** Compiled patterns; default: the built-in ones plus `patternDirs`. */
  patterns?: Pattern[];
  patternDirs?: string[];
  /** Only events at or after / before these times (ms, log-local time read as UTC). */
  since?: number | null;
  until?: number | null;
  /** Stops the scan early (Ctrl-C); the result is marked interrupted. */
  signal?: AbortSignal;
  ignore?: IgnoreRule[];
  /** Parse every record instead of only those around prefilter hits (reference path for tests). */
  fullScan?: boolean;
  /** Progress: bytes read so far (after gzip inflation), of the input files' total size; files done. */
  onProgress?: (p: Progress) => void;
  /**
   * Inflated bytes allowed per compressed member (gzip stream, archive entry); a scan inflates at
   * most MAX_RUN_FACTOR times this in all (default DEFAULT_MAX_INFLATED: input/members.ts).
   */
  maxInflated?: number;
}

/** Diagnoses the given paths (`-` or none for stdin). */
export async function diagnosePaths(paths: string[], options: DiagnoseOptions = {}, stdin?: NodeJS.ReadableStream): Promise<Diagnosis> {
  const { sources, warnings } = await resolveInputs(paths, stdin, options);
  return diagnose(sources, options, warnings);
}

/** Diagnoses already-resolved sources. */
export async function diagnose(inputs: InputSource[], options: DiagnoseOptions = {}, initialWarnings: InputWarning[] = []): Promise<Diagnosis> {
  const started = process.hrtime.bigint();
  // Patterns given compiled can be loaded again by a worker only when their directories are known too.
  const patternDirs = [BUILTIN_PATTERN_DIR, ...(options.patternDirs ?? [])];
  const patterns = options.patterns ?? loadPatterns(patternDirs);
  const workersCanLoad = !options.patterns || options.patternDirs !== undefined;
  const setup = detectionSetup(patterns, { since: options.since ?? null, until: options.until ?? null, fullScan: options.fullScan === true }, workersCanLoad ? patternDirs : null);

  // input → records → facts and signals
  const plan = await planExecution(inputs, setup, options, options.onProgress !== undefined);
  const detected = await runDetection(inputs, setup, plan, { ...(options.signal ? { signal: options.signal } : {}), ...(options.onProgress ? { onProgress: options.onProgress } : {}), ...(options.maxInflated ? { maxInflated: options.maxInflated } : {}) });
  const { facts, signals, sources, unknown: collector } = detected;
  const warnings = [...initialWarnings, ...detected.warnings];
  warnings.push(...sourceWarnings(sources, warnings));
  for (const [i, sf] of facts.sources) {
    if (sf.undated) warnings.push({ source: sources[i]?.name ?? String(i), message: `timestamps without a year (MM-dd HH:mm:ss) were read as in the 12 months up to today: year ${new Date().getUTCFullYear()}, or the year before for dates after today` });
  }
  // A Flink process's .out file shares the hosts of its .log; RocksDB LOG files name no host:
  // each takes its TaskManager's, from the directory tree.
  shareHostsOfOneProcess(sources);
  attributeRocksDbLogs(sources);

  // → findings
  const budget = options.heapBudget;
  const { findings, checkpoints, checkpointRuns, jobTransitions, jobs } = correlate({ patterns, signals, facts, sources, tallies: detected.tallies, ...(budget ? { settle: () => heapSettle(budget) } : {}) });
  const unknown = collector.finish(facts, sources);
  // What bounded memory left out (the ranking of unknown groups may drop the least relevant).
  warnings.push(...boundWarnings(detected));
  const unstable = jobUnstableFindings({ patterns, findings, unknown, checkpoints, jobTransitions, sources });
  // Most severe first (a stable sort keeps the correlator's order within a severity).
  const all = [...findings, ...unstable].sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  const { kept, muted } = applyIgnores(all, options.ignore ?? []);

  // → the report's data
  const paths = new Map(inputs.filter((i) => i.path).map((i) => [i.name, i.path!]));
  const streamEdges = new Map(inputs.filter((i) => i.edges).map((i) => [i.name, i.edges!]));
  const covered = await coverage({ sources, paths, streamEdges, findings: [...kept, ...muted], checkpoints, jobTransitions, unknown, signals, since: options.since ?? null, until: options.until ?? null });
  // Correlation's working data (a node per signal and kept fact, its indexes) is garbage now: it is
  // collected before the report is built, instead of the heap growing past it for the report.
  if (budget) heapSettle(budget);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    findings: kept,
    unknown,
    muted,
    inputs: sources,
    config: facts.config,
    warnings,
    checkpoints,
    checkpointRuns,
    jobTransitions,
    jobs,
    stats: {
      bytes: sources.reduce((a, s) => a + s.bytes, 0),
      lines: sources.reduce((a, s) => a + s.lines, 0),
      events: detected.events,
      seconds,
      threads: detected.threads,
      ...(detected.lanesStopped > 0 ? { lanesStopped: detected.lanesStopped } : {}),
    },
    // A stop asked for at any point of the scan marks the result, even when every input was read.
    interrupted: detected.interrupted || options.signal?.aborted === true,
    coverage: covered,
  };
}

/** An empty log, or one without line breaks (not a text log?), unless a warning already names it. */
function sourceWarnings(sources: SourceInfo[], warnings: InputWarning[]): InputWarning[] {
  const out: InputWarning[] = [];
  for (const info of sources) {
    if (info.kind !== 'log') continue;
    if (info.bytes === 0 && !warnings.some((w) => w.source === info.name) && !out.some((w) => w.source === info.name)) out.push({ source: info.name, message: info.name === '<stdin>' ? 'standard input was empty' : 'file is empty' });
    else if (info.bytes > 1 << 20 && info.lines <= 1) out.push({ source: info.name, message: 'no line breaks found: this may not be a text log' });
  }
  return out;
}

/** What bounded memory left out: facts between the first and latest kept, problems past the groups kept. */
function boundWarnings(d: Detected): InputWarning[] {
  const out: InputWarning[] = [];
  const { omitted } = d.facts;
  if (omitted.checkpoints + omitted.taskFailures + omitted.jobs > 0) {
    const parts = [[omitted.checkpoints, 'checkpoint failure'], [omitted.taskFailures, 'task failure'], [omitted.jobs, 'job state change or restart']] as const;
    const what = parts.filter(([n]) => n > 0).map(([n, w]) => `${n} ${w} line${n === 1 ? '' : 's'}`).join(', ');
    out.push({ source: '(all inputs)', message: `${what} between the first and the latest ${FACT_TAIL} of each kind were read but not kept (bounded memory): counts of restarts, task failures and failed checkpoints attached to findings cover only the kept ones` });
  }
  const t = d.facts.timeline;
  const notListed = t
    .jobIds()
    .map((job) => ({ job, n: Object.values(t.omitted(job)).reduce((a, x) => a + x, 0) }))
    .filter((x) => x.n > 0);
  if (notListed.length > 0) {
    const shown = notListed.slice(0, 5).map((x) => `${x.n} of job ${x.job}`);
    if (notListed.length > 5) shown.push(`${notListed.slice(5).reduce((a, x) => a + x.n, 0)} of ${notListed.length - 5} more jobs`);
    const what = shown.join(', ');
    out.push({ source: '(all inputs)', message: `checkpoints counted by state but not listed one by one (bounded memory: older than the latest ${KEEP} of a job, and past its first ${OLD_KEPT} that did not complete or its first ${OLD_KEPT} runs of completed ones): ${what}; the jobs' checkpoint counts include them` });
  }
  if (d.unknown.ungrouped > 0) {
    out.push({ source: '(all inputs)', message: `more distinct unknown problems than the ${MAX_GROUPS} groups kept: the least relevant (rare, long unseen, never just before a failure) were dropped; ${d.unknown.ungrouped} of their occurrences were counted but not grouped` });
  }
  return out;
}
