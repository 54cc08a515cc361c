// The command line: parses flags into options, calls the library, picks a reporter and returns
// an exit code. It never calls process.exit in the middle of work; bin/flink-doctor.js does, once.

import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import { Command, CommanderError, Option } from 'commander';
import { diagnosePaths, type Progress } from '../diagnose.js';
import { loadPatterns, BUILTIN_PATTERN_DIR, PatternError, type Pattern } from '../detect/pattern.js';
import { IgnoreError, readIgnoreFile, unknownRuleIds, type IgnoreRule } from '../ignore.js';
import { FORMATS, reportParts, type Format } from '../report/index.js';
import { timelineText, timelineMarkdown } from '../report/timeline.js';
import { Redactor } from '../redact/redactor.js';
import { MapFileError, writeMapFile } from '../redact/map-file.js';
import { Chalk } from 'chalk';
import type { Diagnosis } from '../model.js';
import { SEVERITIES, severityRank, type Severity } from '../model.js';
import { readTimestamp } from '../parse/line.js';
import { VERSION } from '../version.js';
import { patternsCommand } from './patterns.js';
import { watchCommand } from '../fleet/cli.js';
import { exportCommand } from '../export/cli.js';
import { explainText, findGroup } from './explain.js';
import { follow } from '../follow.js';
import { HEAP_BUDGET } from '../run/heap.js';
import { findingJson as toJsonFinding } from '../report/json.js';
import { parseHeaders, type LiveOptions } from '../live/client.js';
import { findingText } from '../report/text.js';
import { orderedFindings } from '../report/common.js';
import { visible, visibleDeep } from '../report/escape.js';

/** Where the CLI writes; tests pass their own. */
export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C or SIGTERM (set by the entry point); without it the scan installs its own handlers. */
  signal?: AbortSignal;
}

/** A failure the user can fix: printed as one line, exit code 2. */
export class UsageError extends Error {}

const EXAMPLES = `
Examples:
  flink-doctor /var/log/flink/                 scan a log directory (recursively)
  flink-doctor jm.log tm-1.log tm-2.log.gz     scan some files (gzip detected by content)
  kubectl logs tm-pod | flink-doctor           read standard input
  flink-doctor --format json -o report.json logs/
  flink-doctor --format markdown logs/ > ticket.md
  flink-doctor --redact --redact-map map.txt -f html -o report.html logs/
                                               a shareable report; map.txt stays with you
  flink-doctor timeline jm.log                 the checkpoint timeline per job
  flink-doctor --unknown 10 logs/              list the 10 top failures no pattern knows
  flink-doctor explain fp-3a9c1e2b7d logs/     every occurrence of one unknown failure
  flink-doctor patterns new --from fp-3a9c1e2b7d logs/
                                               scaffold a pattern and samples from it
  flink-doctor patterns list                   show the known failures
  flink-doctor patterns export --to logql      the patterns as Loki, Elasticsearch or Sigma rules
  flink-doctor watch kafka://broker:9092/flink-logs --group flink-doctor --output-topic flink-findings
                                               diagnose a log stream on Kafka as a consumer group member

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error, or nothing read (an empty input
without --allow-empty), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM); both still print the report of what was read.`;

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const state = { code: 0 };
  const program = new Command();
  program
    .name('flink-doctor')
    .description('Find known Apache Flink failures in JobManager and TaskManager logs, with the root cause and the fix.')
    .version(VERSION, '-V, --version')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(run flink-doctor --help for usage)')
    .addHelpText('after', EXAMPLES);

  const inputs = (cmd: Command): Command =>
    cmd
      .argument('[paths...]', 'log files, directories or - for standard input (default: standard input)')
      .option('-o, --output <file>', 'write the report to a file instead of standard output')
      .option('-p, --patterns <dir>', 'add or override patterns from a directory (repeatable)', collect, [])
      .option('--since <time>', 'ignore events before this time (yyyy-MM-dd[ HH:mm[:ss]], log-local time)')
      .option('--until <time>', 'ignore events after this time')
      .option('--ignore <file>', 'mute findings listed in this file (default: ./.flink-doctor-ignore when present)')
      .option('--redact', 'pseudonymise hosts, IPs, pods, users, buckets, accounts, e-mails and secrets (host-1 …)')
      .option('--redact-map <file>', 'with --redact (implied): write the pseudonym → original mapping to this new file (mode 600; an existing file is refused, a symbolic link always)')
      .option('--force', 'with --redact-map: replace an existing map file')
      .option('--workers <n>', "scan on n lanes, the main thread and n-1 worker threads (files spread over them, large plain files split); 'auto' (the default): from 384 MiB of plain text, the main thread scans while a worker thread parses and detects, and on 4 cores or more from 1 GiB, one lane per core (the cgroup's CPU quota respected; as many as --max-memory holds); 1: the main thread alone", parseWorkers)
      .option('--max-memory <size>', 'memory budget of the whole process (e.g. 512M; default 256M): caps the scan lanes started, whatever the machine', (v: string) => parseSize(v, '--max-memory'))
      .option('--job <id>', 'with a cluster URL: only this job (id or prefix; default every job the cluster knows)')
      .option('--header <header>', "with a cluster URL: send this request header, e.g. 'Authorization: Bearer …' (repeatable; values are never printed)", collect, [])
      .option('--max-log-bytes <size>', 'with a cluster URL: read at most this much of each log file, its latest part (e.g. 16M, the default; 0: no limit)')
      .option('--request-timeout <seconds>', 'with a cluster URL: time limit of each request (default 15)')
      .option('--save-live <file>', 'with a cluster URL: also write the REST responses read to this file (a HistoryServer-format archive that flink-doctor reads back)')
      .option('--max-inflated <size>', 'read at most this much from one compressed file or archive entry (e.g. 20G; default 8G), and 4 times it from all of them together; past it, or past 200:1, a stream counts as a decompression bomb', (v: string) => parseSize(v, '--max-inflated'))
      .option('--no-color', 'no colours in text output (also NO_COLOR)')
      .option('-q, --quiet', 'no progress or warnings on standard error')
      .option('--debug', 'show stack traces of internal errors');

  const scan = (cmd: Command): Command =>
    inputs(cmd)
      .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']).default('warning'))
      .option('--unknown <n>', 'list the top n failures no pattern knows (0 hides the section)', '5')
      .option('--allow-empty', 'exit 0 instead of 2 when the input is empty (nothing was read)')
      .option('-F, --follow', 'keep reading files (like tail -F: new data, new and rotated files) or stdin, printing each finding as it appears; Ctrl-C stops, and standard input stops at its end; a summary ends the output')
      .addOption(new Option('--follow-interval <ms>', 'poll interval for --follow').default(1000).argParser((v: string) => Number(v)).hideHelp())
      .action(async (paths: string[], opts: ScanOpts) => {
        state.code = await scanAction(paths, opts, io);
      });

  scan(program);
  scan(program.command('scan', { hidden: false }).description('scan logs (the default command)'));
  inputs(program.command('timeline').description('print the checkpoint timeline per job (checkpoints, restarts, gaps) from the JobManager log'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .action(async (paths: string[], opts: TimelineOpts) => {
      state.code = await timelineAction(paths, opts, io);
    });
  inputs(program.command('explain').description('print every occurrence of one unknown failure and its representative trace').argument('<fingerprint>', 'fingerprint id from a report (fp-…), or a unique prefix of it'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (fingerprint: string, paths: string[], opts: ExplainOpts) => {
      state.code = await explainAction(fingerprint, paths, opts, io);
    });
  patternsCommand(program, io, state);
  exportCommand(program.commands.find((c) => c.name() === 'patterns')!, io, state);
  watchCommand(program, io, state);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError || e instanceof PatternError || e instanceof IgnoreError) {
      io.stderr.write(`flink-doctor: ${visible(e.message)}\n`);
      return 2;
    }
    const debug = argv.includes('--debug');
    io.stderr.write(`flink-doctor: internal error: ${visible((e as Error).message)}${debug ? `\n${(e as Error).stack}` : ' (run with --debug for details)'}\n`);
    return 2;
  }
  return state.code;
}

/** How a cluster URL is read, from the flags. */
function liveOptions(opts: Omit<ScanOpts, 'format' | 'failOn'>): LiveOptions {
  let headers: Record<string, string> = {};
  try {
    headers = parseHeaders(opts.header ?? []);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const live: LiveOptions = { headers: Object.entries(headers).map(([k, v]) => `${k}: ${v}`) };
  if (opts.job) live.job = opts.job;
  if (opts.maxLogBytes !== undefined) live.maxLogBytes = parseSize(opts.maxLogBytes, '--max-log-bytes', true);
  if (opts.requestTimeout !== undefined) {
    const s = Number(opts.requestTimeout);
    if (!Number.isFinite(s) || s <= 0) throw new UsageError(`--request-timeout ${opts.requestTimeout}: not a positive number of seconds`);
    live.timeoutMs = s * 1000;
  }
  return live;
}

/** Options of the scan command (and, in part, of the other commands that read logs). */
export interface ScanOpts {
  format: Format;
  output?: string;
  patterns: string[];
  failOn: Severity | 'none';
  since?: string;
  until?: string;
  ignore?: string;
  color: boolean;
  quiet?: boolean;
  debug?: boolean;
  redact?: boolean;
  redactMap?: string;
  /** --force: --redact-map may replace an existing file. */
  force?: boolean;
  unknown?: string;
  workers?: number | 'auto';
  /** --max-inflated, in bytes. */
  maxInflated?: number;
  /** --max-memory, in bytes. */
  maxMemory?: number;
  follow?: boolean;
  /** An empty input is not an error (exit 0 instead of 2). */
  allowEmpty?: boolean;
  /** Poll interval in ms for --follow (tests use a short one). */
  followInterval?: number;
  job?: string;
  header?: string[];
  maxLogBytes?: string;
  requestTimeout?: string;
  saveLive?: string;
}

interface ExplainOpts extends Omit<ScanOpts, 'format' | 'failOn'> {
  format: 'text' | 'json';
}

interface TimelineOpts extends Omit<ScanOpts, 'format' | 'failOn'> {
  format: 'text' | 'markdown' | 'json';
}

/** A progress line on a terminal's stderr, redrawn at most five times a second. */
function progressLine(err: NodeJS.WritableStream): { update: (p: Progress) => void; clear: () => void } {
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

function parseWorkers(v: string): number | 'auto' {
  if (v === 'auto') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError(`--workers: '${v}' is not 'auto' or a whole number from 0 to 64`);
  return n;
}

/** A byte count with an optional K, M, G or T suffix (powers of 1024); 0 only where `zero` allows it. */
function parseSize(v: string, flag: string, zero = false): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(v);
  const n = m ? Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()) : NaN;
  if (!m || !Number.isFinite(n) || n < (zero ? 0 : 1)) throw new UsageError(`${flag}: '${v}' is not a size; use e.g. 500M, 20G or a number of bytes`);
  return Math.floor(n);
}

function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

function parseTime(s: string, flag: string): number {
  const t = readTimestamp(s.length === 10 ? `${s} 00:00:00` : s.length === 16 ? `${s}:00` : s);
  if (t.ms === null) throw new UsageError(`${flag}: '${s}' is not a time; use yyyy-MM-dd or yyyy-MM-dd HH:mm[:ss]`);
  return t.ms;
}

function parseCount(s: string, flag: string): number {
  if (!/^\d+$/.test(s.trim())) throw new UsageError(`${flag}: '${s}' is not a number; use 0 or more`);
  return Number(s);
}

async function scanAction(paths: string[], opts: ScanOpts, io: Io): Promise<number> {
  const unknown = parseCount(opts.unknown ?? '5', '--unknown');
  if (opts.follow) return followAction(paths, opts, io);
  const diagnosis = await diagnoseForCli(paths, opts, io);
  if (!diagnosis) return 2;
  const color = opts.color && !opts.output && !!io.stdout.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  writeReport(reportParts(opts.format, diagnosis, { color, unknown }), opts, io);

  if (diagnosis.interrupted) return 130;
  if (!diagnosis.inputs.some((i) => i.bytes > 0)) {
    // Nothing read at all: no finding can mean "healthy" here.
    const unreadable = diagnosis.warnings.some((w) => !/empty|^ignore rule/.test(w.message));
    if (unreadable) return 2; // its warning said why
    if (opts.allowEmpty) return 0;
    if (!opts.quiet) io.stderr.write('flink-doctor: nothing to diagnose: the input was empty (--allow-empty accepts that)\n');
    return 2;
  }
  if (opts.failOn === 'none') return 0;
  const threshold = severityRank(opts.failOn);
  return diagnosis.findings.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
}

/** `--follow`: prints each new finding (or one with more occurrences) as it appears, until Ctrl-C. */
async function followAction(paths: string[], opts: ScanOpts, io: Io): Promise<number> {
  if (opts.format !== 'text' && opts.format !== 'json') throw new UsageError('--follow prints text or JSON lines; use --format text or --format json');
  if (opts.redact || opts.redactMap) throw new UsageError('--follow does not redact; run a normal scan with --redact to share a report');
  for (const d of opts.patterns) if (!existsSync(d)) throw new UsageError(`--patterns ${d}: no such directory`);
  const patterns = loadPatterns([BUILTIN_PATTERN_DIR, ...opts.patterns]);
  const ignore = opts.ignore ? readIgnoreFile(opts.ignore) : existsSync('.flink-doctor-ignore') ? readIgnoreFile('.flink-doctor-ignore') : [];
  if (!opts.quiet) for (const w of unknownRuleIds(ignore, patterns.map((p) => p.id))) io.stderr.write(`flink-doctor: warning: ${w.source}: ${w.message}\n`);
  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  if (io.signal) io.signal.addEventListener('abort', onSigint, { once: true });
  else {
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
  }
  const color = opts.color && !!io.stdout.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const c = new Chalk({ level: color ? 1 : 0 });
  const now = (): string => new Date().toISOString().slice(11, 19);
  if (opts.format === 'text' && !opts.quiet) io.stderr.write(`flink-doctor: following ${paths.length ? visible(paths.join(', ')) : 'standard input until it ends'}; Ctrl-C to stop\n`);
  let findings;
  try {
    findings = await follow(paths.length ? paths : ['-'], {
      patterns,
      ignore,
      signal: controller.signal,
      stdin: io.stdin,
      interval: opts.followInterval ?? 1000,
      onWarning: (w) => {
        if (!opts.quiet) io.stderr.write(`flink-doctor: warning: ${visible(w.source)}: ${visible(w.message)}\n`);
      },
      onFinding: (f, isNew) => {
        if (opts.format === 'json') {
          io.stdout.write(JSON.stringify({ type: isNew ? 'finding' : 'update', at: new Date().toISOString(), finding: toJsonFinding(f) }) + '\n');
          return;
        }
        f = visibleDeep(f);
        if (isNew) io.stdout.write(`${c.dim(now())} ${c.dim('new finding')}\n${findingText(f, null, c).join('\n')}\n\n`);
        else io.stdout.write(`${c.dim(now())} MORE ${f.title} ${c.dim(`[${f.id}]`)} — ${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}\n`);
      },
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
    io.signal?.removeEventListener('abort', onSigint);
  }
  // The final summary: every finding at the end of the input (or at Ctrl-C).
  const ordered = orderedFindings(findings).map((f) => visibleDeep(f));
  if (opts.format === 'json') io.stdout.write(JSON.stringify({ type: 'summary', at: new Date().toISOString(), findings: ordered.map(toJsonFinding) }) + '\n');
  else {
    io.stdout.write(`${c.bold(`Summary: ${ordered.length === 0 ? 'no known failure found' : `${ordered.length} finding${ordered.length === 1 ? '' : 's'}`}`)}\n`);
    for (const f of ordered) io.stdout.write(`  ${f.severity.toUpperCase().padEnd(8)} ${f.title} ${c.dim(`[${f.id}]`)} — ${f.occurrences} occurrence${f.occurrences === 1 ? '' : 's'}\n`);
  }
  if (opts.failOn === 'none') return 0;
  const threshold = severityRank(opts.failOn);
  return findings.some((f) => severityRank(f.severity) >= threshold) ? 1 : 0;
}

async function timelineAction(paths: string[], opts: TimelineOpts, io: Io): Promise<number> {
  const diagnosis = await diagnoseForCli(paths, opts, io);
  if (!diagnosis) return 2;
  const color = opts.color && !opts.output && !!io.stdout.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const text =
    opts.format === 'json'
      ? JSON.stringify({ checkpoints: diagnosis.checkpoints, checkpointRuns: diagnosis.checkpointRuns, jobTransitions: diagnosis.jobTransitions }, null, 2) + '\n'
      : opts.format === 'markdown'
        ? timelineMarkdown(visibleDeep(diagnosis), (s) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;')).join('\n')
        : timelineText(visibleDeep(diagnosis), new Chalk({ level: color ? 1 : 0 })).join('\n') + '\n';
  writeReport(text, opts, io);
  if (diagnosis.interrupted) return 130;
  const readable = diagnosis.inputs.some((i) => i.bytes > 0);
  return !readable && diagnosis.warnings.some((w) => !/empty/.test(w.message)) ? 2 : 0;
}

async function explainAction(fingerprint: string, paths: string[], opts: ExplainOpts, io: Io): Promise<number> {
  const diagnosis = await diagnoseForCli(paths, opts, io);
  if (!diagnosis) return 2;
  const group = findGroup(diagnosis, fingerprint);
  if (typeof group === 'string') throw new UsageError(group);
  writeReport(opts.format === 'json' ? JSON.stringify(group, null, 2) + '\n' : explainText(visibleDeep(group), visibleDeep(diagnosis)), opts, io);
  return diagnosis.interrupted ? 130 : 0;
}

/** Writes a report (its text, or its parts in order) to -o's file or to standard output. */
function writeReport(text: string | Iterable<string>, opts: { output?: string }, io: Io): void {
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

/** Scans the inputs and, with --redact, returns the redacted copy (writing --redact-map); null: nothing to read. */
export async function diagnoseForCli(paths: string[], opts: Omit<ScanOpts, 'format' | 'failOn'>, io: Io): Promise<Diagnosis | null> {
  if (paths.length === 0 && io.stdin.isTTY) {
    io.stderr.write('flink-doctor: no input. Give log files or directories, or pipe a log: kubectl logs tm-pod | flink-doctor\nRun flink-doctor --help for more.\n');
    return null;
  }
  let patterns: Pattern[];
  for (const d of opts.patterns) if (!existsSync(d)) throw new UsageError(`--patterns ${d}: no such directory`);
  patterns = loadPatterns([BUILTIN_PATTERN_DIR, ...opts.patterns]);
  let ignore: IgnoreRule[] = [];
  if (opts.ignore) ignore = readIgnoreFile(opts.ignore);
  else if (existsSync('.flink-doctor-ignore')) ignore = readIgnoreFile('.flink-doctor-ignore');
  const ignoreWarnings = unknownRuleIds(ignore, patterns.map((p) => p.id));
  const since = opts.since ? parseTime(opts.since, '--since') : null;
  const until = opts.until ? parseTime(opts.until, '--until') : null;

  const controller = new AbortController();
  const onSigint = (): void => controller.abort();
  if (io.signal) io.signal.addEventListener('abort', onSigint, { once: true });
  else {
    process.once('SIGINT', onSigint);
    process.once('SIGTERM', onSigint);
  }
  if (io.signal?.aborted) controller.abort();
  let diagnosis;
  try {
    const progress = !opts.quiet && (io.stderr as { isTTY?: boolean }).isTTY ? progressLine(io.stderr) : null;
    diagnosis = await diagnosePaths(
      paths,
      { patterns, patternDirs: opts.patterns, since, until, ignore, signal: controller.signal, workers: opts.workers ?? 'auto', heapBudget: HEAP_BUDGET, live: liveOptions(opts), ...(opts.saveLive ? { saveLive: opts.saveLive } : {}), ...(opts.maxInflated ? { maxInflated: opts.maxInflated } : {}), ...(opts.maxMemory ? { maxMemory: opts.maxMemory } : {}), ...(progress ? { onProgress: progress.update } : {}) },
      io.stdin,
    );
    progress?.clear();
    diagnosis.warnings.unshift(...ignoreWarnings);
  } finally {
    process.removeListener('SIGINT', onSigint);
    process.removeListener('SIGTERM', onSigint);
    io.signal?.removeEventListener('abort', onSigint);
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
