// The flags of the commands that read logs: their declarations (inputOptions, scanOptions), the
// options they parse into (ScanOpts), and the parsers of their values (sizes, times, counts,
// worker counts, a cluster URL's request options). A bad value is a UsageError.

import { Option, type Command } from 'commander';
import { parseHeaders, type LiveOptions } from '../live/client.js';
import { SEVERITIES, type Severity } from '../model.js';
import { readTimestamp } from '../parse/line.js';
import { FORMATS, type Format } from '../report/index.js';
import { UsageError } from './io.js';

/** The flags of every command that reads logs. */
export function inputOptions(cmd: Command): Command {
  return cmd
    .argument('[paths...]', 'log files, directories or - for standard input (default: standard input)')
    .option('-o, --output <file>', 'write the report to a file instead of standard output')
    .option('-p, --patterns <dir>', 'add or override patterns from a directory (repeatable)', collect, [])
    .option('--since <time>', 'ignore events before this time (yyyy-MM-dd[ HH:mm[:ss]], log-local time)')
    .option('--until <time>', 'ignore events after this time')
    .option('--ignore <file>', 'mute findings listed in this file (default: ./.flink-doctor-ignore when present)')
    .option('--redact', 'pseudonymise hosts, IPs, pods, users, buckets, accounts, e-mails and secrets (host-1 …)')
    .option('--redact-map <file>', 'with --redact (implied): write the pseudonym → original mapping to this new file (mode 600; an existing file is refused, a symbolic link always)')
    .option('--force', 'with --redact-map: replace an existing map file')
    .option('--workers <n>', "scan on n lanes, the main thread and n-1 worker threads (files spread over them, large plain files split); 'auto' (the default): on 4 cores or more from 1 GiB of input, one lane per core (the cgroup's CPU quota respected; as many as --max-memory holds), else the main thread alone; 1: the main thread alone", parseWorkers)
    .option('--max-memory <size>', 'memory budget of the whole process (e.g. 512M; default 256M): caps the scan lanes started, whatever the machine, and past it worker lanes leave one by one as they scan', (v: string) => parseSize(v, '--max-memory'))
    .option('--job <id>', 'with a cluster URL: only this job (id or prefix; default every job the cluster knows)')
    .option('--header <header>', "with a cluster URL: send this request header, e.g. 'Authorization: Bearer …' (repeatable; values are never printed)", collect, [])
    .option('--max-log-bytes <size>', 'with a cluster URL: read at most this much of each log file, its latest part (e.g. 16M, the default; 0: no limit)')
    .option('--request-timeout <seconds>', 'with a cluster URL: time limit of each request (default 15)')
    .option('--save-live <file>', 'with a cluster URL: also write the REST responses read to this file (a HistoryServer-format archive that flink-doctor reads back)')
    .option('--max-inflated <size>', 'read at most this much from one compressed file or archive entry (e.g. 20G; default 8G), and 4 times it from all of them together; past it, or past 200:1, a stream counts as a decompression bomb', (v: string) => parseSize(v, '--max-inflated'))
    .option('--no-color', 'no colours in text output (also NO_COLOR)')
    .option('-q, --quiet', 'no progress or warnings on standard error')
    .option('--debug', 'show stack traces of internal errors');
}

/** The flags of the scan command (the default one). */
export function scanOptions(cmd: Command): Command {
  return inputOptions(cmd)
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('text'))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices([...SEVERITIES, 'none']).default('warning'))
    .option('--unknown <n>', 'list the top n failures no pattern knows (0 hides the section)', '5')
    .option('--allow-empty', 'exit 0 instead of 2 when the input is empty (nothing was read)')
    .option('-F, --follow', 'keep reading files (like tail -F: new data, new and rotated files) or stdin, printing each finding as it appears; Ctrl-C stops, and standard input stops at its end; a summary ends the output')
    .addOption(new Option('--follow-interval <ms>', 'poll interval for --follow').default(1000).argParser((v: string) => Number(v)).hideHelp());
}

/** How a cluster URL is read, from the flags. */
export function liveOptions(opts: Omit<ScanOpts, 'format' | 'failOn'>): LiveOptions {
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

export interface ExplainOpts extends Omit<ScanOpts, 'format' | 'failOn'> {
  format: 'text' | 'json';
}

export interface TimelineOpts extends Omit<ScanOpts, 'format' | 'failOn'> {
  format: 'text' | 'markdown' | 'json';
}

export function parseWorkers(v: string): number | 'auto' {
  if (v === 'auto') return v;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 64) throw new UsageError(`--workers: '${v}' is not 'auto' or a whole number from 0 to 64`);
  return n;
}

/** A byte count with an optional K, M, G or T suffix (powers of 1024); 0 only where `zero` allows it. */
export function parseSize(v: string, flag: string, zero = false): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$/i.exec(v);
  const n = m ? Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()) : NaN;
  if (!m || !Number.isFinite(n) || n < (zero ? 0 : 1)) throw new UsageError(`${flag}: '${v}' is not a size; use e.g. 500M, 20G or a number of bytes`);
  return Math.floor(n);
}

export function collect(v: string, prev: string[]): string[] {
  return [...prev, v];
}

export function parseTime(s: string, flag: string): number {
  const t = readTimestamp(s.length === 10 ? `${s} 00:00:00` : s.length === 16 ? `${s}:00` : s);
  if (t.ms === null) throw new UsageError(`${flag}: '${s}' is not a time; use yyyy-MM-dd or yyyy-MM-dd HH:mm[:ss]`);
  return t.ms;
}

export function parseCount(s: string, flag: string): number {
  if (!/^\d+$/.test(s.trim())) throw new UsageError(`${flag}: '${s}' is not a number; use 0 or more`);
  return Number(s);
}
