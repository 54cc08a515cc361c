// `flink-doctor [scan]`: one report of the inputs, and its exit code (findings at or above
// --fail-on, an empty input, an interrupt); with --follow, each finding as it appears and a
// summary at the end.

import { existsSync } from 'node:fs';
import { Chalk } from 'chalk';
import { BUILTIN_PATTERN_DIR, loadPatterns } from '../detect/pattern.js';
import { follow } from '../follow.js';
import { readIgnoreFile, unknownRuleIds } from '../ignore.js';
import { severityRank } from '../model.js';
import { orderedFindings } from '../report/common.js';
import { visible, visibleDeep } from '../report/escape.js';
import { reportParts } from '../report/index.js';
import { findingJson as toJsonFinding } from '../report/json.js';
import { findingText } from '../report/text.js';
import { diagnoseForCli } from './diagnose.js';
import { stopOnSignals, UsageError, writeReport, type Io } from './io.js';
import { parseCount, type ScanOpts } from './options.js';

export async function scanAction(paths: string[], opts: ScanOpts, io: Io): Promise<number> {
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
  const stop = stopOnSignals(io);
  const color = opts.color && !!io.stdout.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const c = new Chalk({ level: color ? 1 : 0 });
  const now = (): string => new Date().toISOString().slice(11, 19);
  if (opts.format === 'text' && !opts.quiet) io.stderr.write(`flink-doctor: following ${paths.length ? visible(paths.join(', ')) : 'standard input until it ends'}; Ctrl-C to stop\n`);
  let findings;
  try {
    findings = await follow(paths.length ? paths : ['-'], {
      patterns,
      ignore,
      signal: stop.signal,
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
    stop.release();
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
