// The library entry point: diagnose(sources, options) runs input → scan → parse → detect →
// correlate and returns a Diagnosis. It never prints and never exits; the CLI and tests call it.

import type { Diagnosis, InputWarning, LogEvent, Role, Signal, SourceInfo } from './model.js';
import { resolveInputs, type InputSource } from './input/sources.js';
import { parseConfigText } from './input/config-file.js';
import { expandSource, type Member } from './input/members.js';
import { buildPrefilter } from './scan/prefilter.js';
import { scanStream } from './scan/scanner.js';
import { buildEvent } from './parse/event.js';
import { FACT_LITERALS, Facts, extractFacts, hintsFromFileName, roleOfLogger } from './detect/facts.js';
import { UnknownCollector, isProblemEvent } from './unknown/groups.js';
import { identityOf } from './detect/identity.js';
import { loadPatterns, BUILTIN_PATTERN_DIR, type Pattern } from './detect/pattern.js';
import { correlate } from './correlate/correlate.js';
import { applyIgnores, type IgnoreRule } from './ignore.js';

export interface DiagnoseOptions {
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
  /** Called after each source with bytes done. */
  onProgress?: (p: { source: string; bytes: number; files: number }) => void;
}

/** Diagnoses the given paths (`-` or none for stdin). */
export async function diagnosePaths(paths: string[], options: DiagnoseOptions = {}, stdin?: NodeJS.ReadableStream): Promise<Diagnosis> {
  const { sources, warnings } = await resolveInputs(paths, stdin);
  return diagnose(sources, options, warnings);
}

/** Diagnoses already-resolved sources. */
export async function diagnose(inputs: InputSource[], options: DiagnoseOptions = {}, initialWarnings: InputWarning[] = []): Promise<Diagnosis> {
  const started = process.hrtime.bigint();
  const patterns = options.patterns ?? loadPatterns([BUILTIN_PATTERN_DIR, ...(options.patternDirs ?? [])]);
  const eventPatterns = patterns.filter((p) => p.match);
  const slow = eventPatterns.filter((p) => p.prefilterLiterals === null);
  const literals = [...FACT_LITERALS, ...eventPatterns.flatMap((p) => p.prefilterLiterals ?? [])];
  const prefilter = buildPrefilter(literals);
  // For layouts without a fixed level column, problem lines are found by these literals instead.
  const problemPrefilter = buildPrefilter([...literals, ' ERROR ', ' WARN ', ' FATAL ', '[ERROR', '[WARN', 'Exception', 'Error: ']);
  const unknown = new UnknownCollector();
  const signalCounts = new Map<string, number>();
  const warnings = [...initialWarnings];
  const facts = new Facts();
  const signals: Signal[] = [];
  const sources: SourceInfo[] = [];
  let events = 0;
  let interrupted = false;
  const since = options.since ?? null;
  const until = options.until ?? null;

  const onEvent = (e: LogEvent, version: string | null): void => {
    if (e.timeMs !== null && ((since !== null && e.timeMs < since) || (until !== null && e.timeMs > until))) return;
    events++;
    extractFacts(e, facts);
    const raw = e.lines.join('\n');
    let claimed = false;
    for (const p of eventPatterns) {
      if (!options.fullScan && p.prefilterLiterals !== null && !p.prefilterLiterals.some((l) => raw.includes(l))) continue;
      const m = p.matches(e, version);
      if (!m) continue;
      claimed = true;
      const n = (signalCounts.get(p.id) ?? 0) + 1;
      signalCounts.set(p.id, n);
      // Past the first signals of a pattern only the header of the event is kept: memory stays bounded.
      signals.push({ patternId: p.id, event: n <= FULL_SIGNALS ? e : compactEvent(e), fields: m.fields, identity: identityOf(e, m.fields), line: m.line, text: m.text });
    }
    if (!claimed && isProblemEvent(e)) unknown.add(e, facts.names[e.sourceIndex] ?? '?', e.logger ? roleOfLogger(e.logger) : null);
  };

  let files = 0;
  const warn = (source: string, message: string): void => {
    warnings.push({ source, message });
  };
  for (const input of inputs) {
    if (options.signal?.aborted) {
      interrupted = true;
      break;
    }
    files++;
    try {
      for await (const member of expandSource(input, { warn })) {
        const i = sources.length;
        const info: SourceInfo = { name: member.name, role: 'unknown', roleReason: null, flinkVersion: null, entrypoint: null, hosts: [], resourceIds: [], bytes: 0, lines: 0, gzip: member.gzip, kind: member.kind };
        sources.push(info);
        facts.names[i] = member.name;
        if (member.roleHint) facts.vote(i, member.roleHint, 30, `container log type`);
        if (member.host) facts.source(i).hosts.add(member.host);
        try {
          if (member.kind === 'config') {
            await readConfig(member, info, facts, warnings);
          } else {
            const result = await scanStream(
              member.chunks,
              {
                prefilter,
                problems: true,
                problemPrefilter,
                everyRecord: options.fullScan === true || slow.length > 0,
                onWarning: (message) => warn(member.name, message),
                ...(options.signal ? { signal: options.signal } : {}),
              },
              (raw) => onEvent(buildEvent(i, raw.firstLine, raw.lines), facts.sources.get(i)?.version ?? null),
            );
            info.bytes = result.bytes;
            info.lines = result.lines;
            info.gzip = member.gzip;
            if (result.stopped) interrupted = true;
            if (result.error) warn(member.name, describeReadError(result.error));
            if (result.bytes === 0 && !result.error) warn(member.name, member.name === '<stdin>' ? 'standard input was empty' : 'file is empty');
            else if (looksBinary(result.bytes, result.lines)) warn(member.name, 'no line breaks found: this may not be a text log');
          }
        } catch (e) {
          warn(member.name, describeReadError(e));
        }
        finishSource(i, info, facts);
        options.onProgress?.({ source: member.name, bytes: info.bytes, files });
        if (interrupted) break;
      }
    } catch (e) {
      warn(input.name, describeReadError(e));
    }
    if (interrupted) break;
  }

  const { findings, checkpoints, jobTransitions } = correlate({ patterns, signals, facts, sources });
  const { kept, muted } = applyIgnores(findings, options.ignore ?? []);
  const unknownGroups = unknown.finish(facts, sources);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    findings: kept,
    unknown: unknownGroups,
    muted,
    inputs: sources,
    config: facts.config,
    warnings,
    checkpoints,
    jobTransitions,
    stats: {
      bytes: sources.reduce((a, s) => a + s.bytes, 0),
      lines: sources.reduce((a, s) => a + s.lines, 0),
      events,
      seconds,
    },
    interrupted,
  };
}

/** Signals per pattern that keep their whole event. */
const FULL_SIGNALS = 200;

/** The event without its lines, frames and chain (only what correlation and evidence read). */
function compactEvent(e: LogEvent): LogEvent {
  return { ...e, chain: [], frames: [], lines: [e.lines[0] ?? ''], lineNumbers: [e.line] };
}

function looksBinary(bytes: number, lines: number): boolean {
  return bytes > 1 << 20 && lines <= 1;
}

async function readConfig(member: Member, info: SourceInfo, facts: Facts, warnings: InputWarning[]): Promise<void> {
  const parts: Buffer[] = [];
  for await (const b of member.chunks) parts.push(b);
  const buf = Buffer.concat(parts);
  info.bytes = buf.length;
  const text = buf.toString('utf8');
  info.lines = text.length === 0 ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
  const { entries, error } = parseConfigText(text, member.name);
  if (error) warnings.push({ source: member.name, message: `configuration file could not be read: ${error}` });
  facts.config.push(...entries);
}

function finishSource(i: number, info: SourceInfo, facts: Facts): void {
  const sf = facts.source(i);
  const hints = hintsFromFileName(info.name);
  if (hints.role) facts.vote(i, hints.role, 10, `file name`);
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

function describeReadError(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'Z_DATA_ERROR' || err.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(err.message ?? '')) {
    return `gzip data is damaged or truncated (${err.message}); findings up to that point are kept`;
  }
  if (err.code === 'EACCES' || err.code === 'EPERM') return 'cannot read: permission denied';
  if (err.code === 'EISDIR') return 'cannot read: is a directory';
  if (err.code === 'ENOENT') return 'cannot read: no such file or directory';
  if (err.code === 'ELOOP') return 'cannot read: too many levels of symbolic links';
  if (/invalid (?:tar|zip)|end of central directory|unexpected end of data|Unexpected end/i.test(err.message ?? '')) return `archive is damaged or truncated (${err.message}); members read up to that point are kept`;
  return `read failed: ${err.message ?? String(e)}`;
}
