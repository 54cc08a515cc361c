// Expands one input into the log streams it holds: plain text, gzip (by magic bytes, nested),
// tar / tar.gz / zip archives streamed member by member, `yarn logs` aggregated output split per
// container, and container-runtime wrappers (docker json-file, CRI) or JSON log layouts turned
// back into plain log lines. Binary data and unsafe archive entries become warnings.

import { Readable, type Transform } from 'node:stream';
import { createGunzip, createInflateRaw } from 'node:zlib';
import type yauzl from 'yauzl';
import { tarLib, yauzlLib } from '../lazy.js';
import type { Role } from '../model.js';
import { isConfigName, type InputSource } from './sources.js';
import { jsonRecordToLine, looksLikeJsonLog } from './json-log.js';
import { looksLikeRestDocument, parseRestDocument } from '../live/archive.js';
import { renderArchive } from '../live/render.js';
import { eventsLog, looksLikeEventsTable, looksLikeOperatorResource, operatorStatusLog } from '../live/operator.js';

/** One log stream inside an input. */
export interface Member {
  /** `path`, or `archive!member`, or `yarn.log!container_…/taskmanager.log`. */
  name: string;
  kind: 'log' | 'config';
  chunks: AsyncIterable<Buffer>;
  /** Set once the member's bytes turn out to be gzip. */
  gzip: boolean;
  /** Role and host known from the container (YARN log type, container host). */
  roleHint?: Role;
  host?: string;
  /** How the bytes were unwrapped (docker-json, cri, json-layout), for the report. */
  format?: string;
  /** The chunks come from reused buffers: each is valid until two more were read (input/read.ts). */
  reusedChunks?: boolean;
}

export interface ExpandOptions {
  warn: (source: string, message: string) => void;
  /** Inflated bytes allowed per compressed byte before a stream counts as a decompression bomb (default 200). */
  maxRatio?: number;
  /** Inflated bytes always allowed, whatever the ratio (default 256 MiB). */
  minBombBytes?: number;
  /**
   * Inflated bytes allowed for one member (a gzip stream, an archive entry), whatever the ratio;
   * the rest of the member is not read (default DEFAULT_MAX_INFLATED).
   */
  maxInflated?: number;
  /**
   * Inflated bytes allowed in all, shared by every input expanded with the same object (one scan:
   * default MAX_RUN_FACTOR × maxInflated); what is left is counted down.
   */
  inflateBudget?: InflateBudget;
  /** Read files synchronously (input/read.ts, ReusedReadOptions.sync). */
  syncReads?: boolean;
}

/** The inflated bytes left to a whole scan. */
export interface InflateBudget {
  left: number;
  /** Set once the budget ran out (warned about once). */
  spent?: boolean;
}

/**
 * Inflated bytes one member may hold by default: more than any one Flink log a bundle holds (logs
 * roll over at a few hundred MiB; a JobManager log of weeks stays within a few GiB).
 */
export const DEFAULT_MAX_INFLATED = 8 * 1024 ** 3;
/** Inflated bytes a whole scan may hold, in members: this many times the bound of one. */
export const MAX_RUN_FACTOR = 4;
/** Default ratio past which inflating counts as a bomb: logs compress 5–30:1, repetitive ones rarely beyond 100:1. */
const BOMB_RATIO = 200;
/** Inflated bytes read before the ratio is judged (small streams are never bombs). */
const BOMB_MIN_BYTES = 256 << 20;

/** A budget for a whole scan with `maxInflated` bytes per member. */
export function inflateBudget(maxInflated = DEFAULT_MAX_INFLATED): InflateBudget {
  return { left: maxInflated * MAX_RUN_FACTOR };
}

/** A byte count for messages: `12.5 GiB`. */
export function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

const LOG_NAME = /(?:\.log(?:\.\d+)?|\.out(?:\.\d+)?|\.err(?:\.\d+)?|\.txt|\.gz|\.tgz|\.tar|\.zip)$|(?:^|\/)(?:jobmanager|taskmanager)[^/]*$|(?:^|\/)(?:stdout|stderr)$|(?:^|\/|_)LOG(?:\.old\.\d+)?$/i;
/** Bytes needed to recognise a format (tar's magic is at offset 257); more is used when already read. */
const HEAD_BYTES = 512;

/** True when an archive member's name looks like a log or a Flink configuration file. */
export function isLogMemberName(name: string): boolean {
  return LOG_NAME.test(name) || isConfigName(name);
}

/** Expands an input source into its members. */
export async function* expandSource(source: InputSource, opts: ExpandOptions): AsyncGenerator<Member> {
  if (source.kind === 'config') {
    yield { name: source.name, kind: 'config', chunks: source.open(), gzip: false };
    return;
  }
  if (source.roleHint || source.host) {
    for await (const m of expandStream(source.name, source.open(), opts, 0, source.path)) {
      yield { ...m, ...(source.roleHint && !m.roleHint ? { roleHint: source.roleHint } : {}), ...(source.host && !m.host ? { host: source.host } : {}) };
    }
    return;
  }
  if (source.openReused) yield* expandStream(source.name, source.openReused(opts.syncReads === true), opts, 0, source.path, true);
  else yield* expandStream(source.name, source.open(), opts, 0, source.path);
}

/** Formats recognised from the first bytes of a stream. */
export type Sniffed = 'gzip' | 'tar' | 'zip' | 'yarn' | 'utf-16le' | 'utf-16be' | 'binary' | 'docker-json' | 'cri' | 'flink-rest' | 'flink-operator' | 'k8s-events' | 'json-layout' | 'plain';

/** Largest REST document (HistoryServer archive, saved response) read: it is parsed as a whole. */
const MAX_REST_DOCUMENT = 256 << 20;

/** YAML files: read for Flink operator resources, else configuration by name, else skipped. */
const YAML_NAME = /\.ya?ml$/i;

/** Bytes of a stream's head that sniff() looks at. */
const SNIFF_BYTES = 64 << 10;

/** Recognises the format of a stream from its first bytes. */
export function sniff(head: Buffer): Sniffed {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (isTar(head)) return 'tar';
  if (head.length >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
  const utf16 = utf16Of(head);
  if (utf16) return utf16;
  // The first 64 KiB tell (a head may be a whole 1 MiB chunk: decoding all of it per file costs).
  const start = head.subarray(0, SNIFF_BYTES);
  const text = start.toString('latin1');
  if (isYarnAggregated(text)) return 'yarn';
  if (looksBinary(start)) return 'binary';
  const firstLine = text.split('\n', 1)[0] ?? '';
  if (/^\{"log":".*","stream":"(?:stdout|stderr)"/.test(firstLine)) return 'docker-json';
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}) (?:stdout|stderr) [FP] /.test(firstLine)) return 'cri';
  if (looksLikeOperatorResource(text)) return 'flink-operator';
  if (looksLikeEventsTable(text)) return 'k8s-events';
  if ((head[0] === 0x7b || head[0] === 0x5b || head[0] === 0x20 || head[0] === 0x0a) && looksLikeRestDocument(text)) return 'flink-rest';
  // The whole first line, however long (a JSON record can be), but only that line.
  const nl = head.indexOf(10);
  if (head[0] === 0x7b && looksLikeJsonLog(head.toString('utf8', 0, nl < 0 ? head.length : nl))) return 'json-layout';
  return 'plain';
}

/** True when bytes starting like `head` are a plain text log (safe to split into byte ranges). */
export function sniffPlain(head: Buffer): boolean {
  return sniff(head) === 'plain';
}

/** `reused`: the raw chunks come from reused buffers; only a plain log is scanned from them in place. */
async function* expandStream(name: string, raw: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number, path?: string, reused = false): AsyncGenerator<Member> {
  const peeked = await peek(raw, HEAD_BYTES);
  const kind = sniff(peeked.head);
  if (reused && (kind !== 'plain' || isConfigName(name) || YAML_NAME.test(name))) peeked.stream = copyChunks(peeked.stream);
  else if (reused) {
    yield { name, kind: 'log', chunks: peeked.stream, gzip: false, reusedChunks: true };
    return;
  }
  switch (kind) {
    case 'gzip': {
      if (depth > 3) {
        opts.warn(name, 'gzip nested more than 3 levels deep; not read');
        await drain(peeked.stream);
        return;
      }
      for await (const m of expandStream(name, gunzip(peeked.stream, name, opts), opts, depth + 1)) {
        m.gzip = true;
        yield m;
      }
      return;
    }
    case 'tar':
      yield* tarMembers(name, peeked.stream, opts, depth);
      return;
    case 'zip':
      yield* zipMembers(name, peeked.stream, opts, depth, path);
      return;
    case 'yarn':
      yield* yarnMembers(name, peeked.stream, opts);
      return;
    case 'utf-16le':
    case 'utf-16be':
      for await (const m of expandStream(name, decodeUtf16(peeked.stream, kind), opts, depth + 1)) {
        m.format ??= kind;
        yield m;
      }
      return;
    case 'binary':
      // Binary at its start, but it may hold a log after some garbage (or text among binary
      // data): the text runs in it are scanned, and the share of text over the whole read says
      // what it was.
      yield { name, kind: 'log', chunks: textRuns(peeked.stream, (text, total) => opts.warn(name, binaryMessage(text, total))), gzip: false, format: 'text-in-binary' };
      return;
    case 'docker-json':
      yield { name, kind: 'log', chunks: mapLines(peeked.stream, dockerJsonLine), gzip: false, format: kind };
      return;
    case 'flink-rest':
      yield* restMembers(name, peeked.stream, opts);
      return;
    case 'flink-operator': {
      // The resource's flinkConfiguration as configuration (with its lines in the file), its status as records.
      const text = await readText(peeked.stream);
      if (text === null) {
        opts.warn(name, `operator resource larger than ${MAX_REST_DOCUMENT >> 20} MiB; not read`);
        return;
      }
      yield { name, kind: 'config', chunks: once(Buffer.from(text)), gzip: false, format: kind };
      const status = operatorStatusLog(text);
      if (status) yield { name: `${name}!status`, kind: 'log', chunks: once(Buffer.from(status)), gzip: false, format: kind, roleHint: 'jobmanager' };
      return;
    }
    case 'k8s-events': {
      const text = await readText(peeked.stream);
      if (text === null) opts.warn(name, `events table larger than ${MAX_REST_DOCUMENT >> 20} MiB; not read`);
      else yield { name, kind: 'log', chunks: once(Buffer.from(eventsLog(text))), gzip: false, format: kind };
      return;
    }
    case 'cri':
      yield { name, kind: 'log', chunks: mapLines(peeked.stream, criLine), gzip: false, format: kind };
      return;
    case 'json-layout':
      yield { name, kind: 'log', chunks: mapLines(peeked.stream, (l) => (l.startsWith('{') ? jsonRecordToLine(l) : l + '\n')), gzip: false, format: kind };
      return;
    default:
      if (YAML_NAME.test(name) && !isConfigName(name)) {
        // Walked directories read *.yaml for operator resources; other YAML is not a log.
        opts.warn(name, 'YAML file that is neither Flink configuration nor a Flink operator resource; not read');
        await drain(peeked.stream);
        return;
      }
      yield { name, kind: isConfigName(name) ? 'config' : 'log', chunks: peeked.stream, gzip: false };
  }
}

/**
 * A Flink REST document (a HistoryServer archive, a live capture, a saved response) rendered as
 * the JobManager records and configuration it stands for (live/render.ts), one member per REST
 * path: `file!/jobs/<id>/exceptions`, or `http://jm:8081/jobs/<id>/exceptions` for a live read.
 * A document that does not parse is scanned as plain text, with a warning.
 */
async function* restMembers(name: string, stream: AsyncIterable<Buffer>, opts: ExpandOptions): AsyncGenerator<Member> {
  const text = await readText(stream);
  if (text === null) {
    opts.warn(name, `REST document larger than ${MAX_REST_DOCUMENT >> 20} MiB; not read`);
    return;
  }
  const doc = parseRestDocument(text);
  if (!doc) {
    opts.warn(name, 'looks like a Flink REST document but does not parse as one; read as plain text');
    yield { name, kind: 'log', chunks: once(Buffer.from(text)), gzip: false };
    return;
  }
  const base = doc.capture && doc.capture.source === name ? name : `${name}!`;
  const rendered = renderArchive(doc.archive, base, doc.capture?.observedAt ?? null, doc.capture?.timezoneOffset ?? 0);
  if (rendered.length === 0) {
    opts.warn(name, doc.kind === 'live-capture' ? 'the cluster answered, but with no job and no configuration to read' : `${doc.kind === 'rest-response' ? 'REST response' : 'REST archive'} holds nothing flink-doctor reads (exceptions, checkpoints, configuration, job details)`);
  }
  for (const m of rendered) yield { name: m.name, kind: m.kind, chunks: once(Buffer.from(m.text)), gzip: false, format: doc.kind, ...(m.kind === 'log' ? { roleHint: 'jobmanager' as const } : {}) };
}

/** A whole (small) stream as text; null (the rest drained) past MAX_REST_DOCUMENT bytes. */
async function readText(stream: AsyncIterable<Buffer>): Promise<string | null> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const b of stream) {
    size += b.length;
    if (size <= MAX_REST_DOCUMENT) parts.push(Buffer.from(b));
  }
  return size > MAX_REST_DOCUMENT ? null : Buffer.concat(parts).toString('utf8');
}

async function* once(b: Buffer): AsyncGenerator<Buffer> {
  yield b;
}

/** Reads at least `n` bytes (or all) and returns them plus a stream that replays everything. */
async function peek(raw: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; stream: AsyncIterable<Buffer> }> {
  const it = raw[Symbol.asyncIterator]();
  const got: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    const b = Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
    got.push(b);
    size += b.length;
  }
  const head = Buffer.concat(got);
  async function* replay(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (done) return;
      for (;;) {
        const r = await it.next();
        if (r.done) {
          done = true;
          return;
        }
        yield Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value);
      }
    } finally {
      // Closed early (the scan stopped): close the source too, so its file is closed now.
      if (!done) await it.return?.();
    }
  }
  return { head, stream: replay() };
}

/** The same chunks, each copied (for consumers that keep chunks while reading on). */
async function* copyChunks(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  for await (const b of src) yield Buffer.from(b);
}

async function drain(s: AsyncIterable<Buffer>): Promise<void> {
  for await (const _ of s) void _;
}

/** Output chunk of the inflaters: large, so that 1 GiB inflates in about a thousand steps, not tens of thousands. */
const INFLATE_CHUNK = 1 << 20;

/** Inflates gzip, stopping with a warning when the output grows like a decompression bomb. */
function gunzip(src: AsyncIterable<Buffer>, name: string, opts: ExpandOptions): AsyncGenerator<Buffer> {
  return inflate(src, createGunzip({ chunkSize: INFLATE_CHUNK }), name, 'gzip data', opts, null);
}

/**
 * Runs `src` through an inflater. It stops with a warning when the output grows like a
 * decompression bomb (more than maxRatio:1 past minBombBytes), past the bound of one member
 * (maxInflated) or of the whole scan (inflateBudget), or past `declared` bytes (a zip entry's
 * stated size). Data before a damaged spot is handed on before the error.
 */
async function* inflate(src: AsyncIterable<Buffer>, z: Transform, name: string, what: string, opts: ExpandOptions, declared: number | null): AsyncGenerator<Buffer> {
  const maxRatio = opts.maxRatio ?? BOMB_RATIO;
  const minBomb = opts.minBombBytes ?? BOMB_MIN_BYTES;
  const maxMember = opts.maxInflated ?? DEFAULT_MAX_INFLATED;
  const budget = opts.inflateBudget;
  let outBytes = 0;
  const input = Readable.from(src);
  input.on('error', (e) => z.destroy(e));
  input.pipe(z);
  try {
    for await (const b of z as AsyncIterable<Buffer>) {
      outBytes += b.length;
      // The compressed bytes the inflater has taken in (not those read ahead of it).
      const inBytes = (z as Transform & { bytesWritten: number }).bytesWritten;
      if (outBytes > minBomb && outBytes > maxRatio * Math.max(inBytes, 1)) {
        opts.warn(name, `${what} inflates more than ${maxRatio}:1 (${formatBytes(outBytes)} from ${formatBytes(inBytes)}); looks like a decompression bomb, the rest was not read (--max-inflated raises the limits)`);
        return;
      }
      if (outBytes > maxMember) {
        opts.warn(name, `${what} inflates to more than ${formatBytes(maxMember)}, more than a log holds; the rest was not read (--max-inflated raises the limit)`);
        return;
      }
      if (declared !== null && outBytes > declared) {
        opts.warn(name, `${what} inflates beyond its declared size of ${declared} bytes; the rest was not read`);
        return;
      }
      if (budget) {
        if (budget.left < b.length) {
          if (!budget.spent) opts.warn(name, `compressed inputs inflated to more than ${formatBytes(maxMember * MAX_RUN_FACTOR)} in all; the rest of this input and further compressed ones were not read (--max-inflated raises the limit)`);
          budget.spent = true;
          budget.left = 0;
          return;
        }
        budget.left -= b.length;
      }
      yield b;
    }
  } finally {
    input.unpipe(z);
    input.destroy();
    z.destroy();
  }
}

function isTar(head: Buffer): boolean {
  return head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar';
}

/** An entry name that would escape the extraction root if written to disk. */
function unsafeEntry(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.split(/[\\/]/).includes('..');
}

async function* tarMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number): AsyncGenerator<Member> {
  const extract = tarLib().extract();
  const input = Readable.from(src);
  input.on('error', (e) => extract.destroy(e));
  input.pipe(extract);
  const skipped: string[] = [];
  for await (const entry of extract) {
    const h = entry.header;
    const memberName = `${name}!${h.name}`;
    if (h.type !== 'file') {
      entry.resume();
      continue;
    }
    if (unsafeEntry(h.name)) {
      opts.warn(memberName, 'archive entry points outside the archive (absolute path or ..); refused');
      entry.resume();
      continue;
    }
    if (!isLogMemberName(h.name)) {
      skipped.push(h.name);
      entry.resume();
      continue;
    }
    for await (const m of expandStream(memberName, entry as AsyncIterable<Buffer>, opts, depth + 1)) yield m;
    // An entry must be consumed before the next one arrives.
    entry.resume();
  }
  if (skipped.length > 0) opts.warn(name, `${skipped.length} archive member${skipped.length === 1 ? '' : 's'} that are not logs or Flink configuration skipped (e.g. ${skipped.slice(0, 3).join(', ')})`);
}

const MAX_ZIP_IN_MEMORY = 512 << 20;

async function* zipMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number, path?: string): AsyncGenerator<Member> {
  let zip: yauzl.ZipFile;
  if (path) {
    await drain(src);
    // Names are decoded here (decodeStrings: false): yauzl rejects the whole archive for one unsafe name.
    zip = await yauzlLib().openPromise(path, { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: false });
  } else {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const b of src) {
      size += b.length;
      if (size > MAX_ZIP_IN_MEMORY) {
        opts.warn(name, `zip archive on a stream is larger than ${MAX_ZIP_IN_MEMORY >> 20} MiB; give it as a file instead`);
        return;
      }
      parts.push(b);
    }
    zip = await yauzlLib().fromBufferPromise(Buffer.concat(parts), { lazyEntries: true, validateEntrySizes: true, decodeStrings: false });
  }
  const skipped: string[] = [];
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) break;
      entry.fileName = yauzlLib().getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
      const memberName = `${name}!${entry.fileName}`;
      if (entry.fileName.endsWith('/')) continue;
      if (unsafeEntry(entry.fileName)) {
        opts.warn(memberName, 'archive entry points outside the archive (absolute path or ..); refused');
        continue;
      }
      if (!isLogMemberName(entry.fileName)) {
        skipped.push(entry.fileName);
        continue;
      }
      const maxRatio = opts.maxRatio ?? BOMB_RATIO;
      if (entry.compressionMethod !== 0 && entry.uncompressedSize > (opts.minBombBytes ?? BOMB_MIN_BYTES) && entry.uncompressedSize > maxRatio * Math.max(entry.compressedSize, 1)) {
        opts.warn(memberName, `inflates ${formatBytes(entry.uncompressedSize)} from ${formatBytes(entry.compressedSize)}; looks like a decompression bomb, not read (--max-inflated raises the limits)`);
        continue;
      }
      const maxMember = opts.maxInflated ?? DEFAULT_MAX_INFLATED;
      if (entry.uncompressedSize > maxMember) {
        opts.warn(memberName, `declares ${formatBytes(entry.uncompressedSize)}, more than a log holds (${formatBytes(maxMember)}); not read (--max-inflated raises the limit)`);
        continue;
      }
      // Deflated entries are inflated here, in large steps (yauzl's own inflater works in 16 KiB ones).
      const deflated = entry.compressionMethod === 8;
      const stream = (await zip.openReadStreamPromise(entry, deflated ? { decompress: false } : {})) as AsyncIterable<Buffer>;
      const data = deflated ? inflate(stream, createInflateRaw({ chunkSize: INFLATE_CHUNK }), memberName, 'zip entry', opts, entry.uncompressedSize) : stream;
      for await (const m of expandStream(memberName, data, opts, depth + 1)) yield m;
    }
  } finally {
    zip.close();
  }
  if (skipped.length > 0) opts.warn(name, `${skipped.length} archive member${skipped.length === 1 ? '' : 's'} that are not logs or Flink configuration skipped (e.g. ${skipped.slice(0, 3).join(', ')})`);
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | null> {
  return new Promise((resolve, reject) => {
    const onEntry = (e: yauzl.Entry): void => {
      cleanup();
      resolve(e);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(null);
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(err);
    };
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

/** `yarn logs -applicationId …` output: `Container: … on …` blocks with `LogType:` sections. */
export function isYarnAggregated(head: string): boolean {
  return /^Container: \S+ on \S+/m.test(head.slice(0, 4096)) && /^LogType: ?\S+/m.test(head) || /^LogType: ?\S+\r?\n(?:LogLastModifiedTime|Log Upload Time|LogLength):/m.test(head);
}

async function* yarnMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions): AsyncGenerator<Member> {
  const reader = new ByteReader(src);
  let container = 'container';
  let host: string | undefined;
  for (;;) {
    const line = await reader.readLine();
    if (line === null) break;
    const c = /^Container: (\S+) on (\S+)/.exec(line);
    if (c) {
      container = c[1]!;
      host = c[2]!.replace(/[_:]\d+$/, '');
      continue;
    }
    const lt = /^LogType: ?(\S+)/.exec(line);
    if (!lt) continue;
    const logType = lt[1]!;
    let length = -1;
    for (;;) {
      const h = await reader.readLine();
      if (h === null) return;
      const len = /^LogLength: ?(\d+)/.exec(h);
      if (len) length = Number(len[1]);
      if (/^Log ?Contents:/.test(h)) break;
    }
    const memberName = `${name}!${container}/${logType}`;
    const roleHint: Role | undefined = /jobmanager/i.test(logType) ? 'jobmanager' : /taskmanager|taskexecutor/i.test(logType) ? 'taskmanager' : undefined;
    const body = length >= 0 ? reader.readBytes(length) : reader.readUntilLine(`End of LogType:${logType}`);
    const member: Member = { name: memberName, kind: 'log', chunks: body, gzip: false, format: 'yarn' };
    if (roleHint) member.roleHint = roleHint;
    if (host) member.host = host;
    if (/\.(?:log|out|err)(?:\.\d+)?$|^(?:stdout|stderr)$/.test(logType)) yield member;
    else opts.warn(memberName, 'YARN log type that is not a Flink log; skipped');
    await drain(body);
  }
}

/** Sequential reader over a chunk stream: lines, fixed byte counts, or bytes up to a marker line. */
class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private readonly it: AsyncIterator<Buffer>;
  private done = false;

  constructor(src: AsyncIterable<Buffer>) {
    this.it = src[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    if (this.done) return false;
    const r = await this.it.next();
    if (r.done) {
      this.done = true;
      return false;
    }
    this.buf = this.buf.length === 0 ? r.value : Buffer.concat([this.buf, r.value]);
    return true;
  }

  async readLine(): Promise<string | null> {
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const line = this.buf.toString('utf8', 0, nl).replace(/\r$/, '');
        this.buf = this.buf.subarray(nl + 1);
        return line;
      }
      if (!(await this.fill())) {
        if (this.buf.length === 0) return null;
        const line = this.buf.toString('utf8');
        this.buf = Buffer.alloc(0);
        return line;
      }
    }
  }

  async *readBytes(n: number): AsyncGenerator<Buffer> {
    let left = n;
    while (left > 0) {
      if (this.buf.length === 0 && !(await this.fill())) return;
      const take = Math.min(left, this.buf.length);
      yield this.buf.subarray(0, take);
      this.buf = this.buf.subarray(take);
      left -= take;
    }
  }

  async *readUntilLine(marker: string): AsyncGenerator<Buffer> {
    for (;;) {
      const line = await this.readLine();
      if (line === null || line.startsWith(marker)) return;
      yield Buffer.from(line + '\n');
    }
  }
}

/**
 * UTF-16 from a byte order mark, or from the zero bytes ASCII text has in every other place
 * (at odd offsets for little-endian, even ones for big-endian); null otherwise.
 */
export function utf16Of(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  const n = Math.min(head.length, 4096) & ~1;
  if (n < 16) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  const pairs = n / 2;
  if (oddZero > pairs * 0.6 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.6 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
}

/** UTF-16 text as UTF-8 (the byte order mark dropped, unpaired surrogates replaced). */
async function* decodeUtf16(src: AsyncIterable<Buffer>, encoding: 'utf-16le' | 'utf-16be'): AsyncGenerator<Buffer> {
  const decoder = new TextDecoder(encoding);
  for await (const b of src) {
    const text = decoder.decode(b, { stream: true });
    if (text.length > 0) yield Buffer.from(text, 'utf8');
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield Buffer.from(rest, 'utf8');
}

/** Shortest run of text bytes kept from binary data (shorter ones are noise). */
const MIN_TEXT_RUN = 8;

/** True for a byte that text holds: printable ASCII, tab, line ends, and the bytes of UTF-8 sequences. */
function isTextByte(b: number): boolean {
  return (b >= 32 && b !== 127) || b === 9 || b === 10 || b === 13;
}

/**
 * The runs of text (MIN_TEXT_RUN bytes or more) in binary data, each ended by a line break, so
 * that a log after a garbage prefix, or messages inside a binary file, are still scanned. At the
 * end, `done` gets the text bytes kept and the bytes read.
 */
async function* textRuns(src: AsyncIterable<Buffer>, done: (text: number, total: number) => void): AsyncGenerator<Buffer> {
  let total = 0;
  let kept = 0;
  let run: Buffer[] = [];
  let runBytes = 0;
  for await (const b of src) {
    total += b.length;
    const out: Buffer[] = [];
    let start = 0;
    for (let i = 0; i <= b.length; i++) {
      if (i < b.length && isTextByte(b[i]!)) continue;
      // b[start, i) is text; it continues a run carried from the previous chunk when start is 0.
      if (i > start) {
        run.push(b.subarray(start, i));
        runBytes += i - start;
      }
      if (i < b.length) {
        if (runBytes >= MIN_TEXT_RUN) {
          out.push(...run, NEWLINE);
          kept += runBytes;
        }
        run = [];
        runBytes = 0;
      }
      start = i + 1;
    }
    // A run reaching the chunk's end is carried (copied: the chunk may be reused).
    run = run.length > 0 ? [Buffer.from(Buffer.concat(run))] : [];
    if (out.length > 0) yield Buffer.concat(out);
  }
  if (runBytes >= MIN_TEXT_RUN) {
    kept += runBytes;
    yield Buffer.concat([...run, NEWLINE]);
  }
  done(kept, total);
}

const NEWLINE = Buffer.from('\n');

/** The warning for a file that looked binary: what share of it was text, and what was done. */
function binaryMessage(text: number, total: number): string {
  const share = total === 0 ? 0 : text / total;
  const pct = share >= 0.99 ? Math.floor(share * 1000) / 10 : Math.round(share * 100);
  if (share >= 0.9) return `starts with binary data: ${total - text} bytes that are not text were skipped, the text (${pct} %) was read`;
  return `binary data (not a text log: ${pct} % text); only the text found in it was scanned`;
}

/** Heuristic: NUL bytes, many control bytes, or invalid UTF-8 together with control bytes. */
export function looksBinary(data: Buffer): boolean {
  // Only the start counts: binary files are binary from byte 0, while a text log may hold a NUL run
  // further on (a crash while the file was being written).
  const head = data.subarray(0, 4096);
  if (head.length === 0) return false;
  let control = 0;
  let nul = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0) {
      // A run of NULs is padding left by a crash, not binary content.
      let j = i;
      while (j < head.length && head[j] === 0) j++;
      if (j - i < 16) nul += j - i;
      i = j - 1;
    } else if (b < 9 || (b > 13 && b < 32) || b === 127) control++;
  }
  if (nul > head.length * 0.01 || nul + control > head.length * 0.1) return true;
  if (nul + control > head.length * 0.01) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
    } catch {
      return true;
    }
  }
  return false;
}

/** Applies a line mapping to a chunk stream (slow path for wrapped formats); null drops the line. */
async function* mapLines(src: AsyncIterable<Buffer>, fn: (line: string) => string | null): AsyncGenerator<Buffer> {
  let rest = '';
  for await (const chunk of src) {
    const text = rest + chunk.toString('utf8');
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    const out: string[] = [];
    for (const l of lines) {
      const m = fn(l.endsWith('\r') ? l.slice(0, -1) : l);
      if (m !== null) out.push(m);
    }
    if (out.length > 0) yield Buffer.from(out.join(''));
  }
  if (rest) {
    const m = fn(rest);
    if (m !== null) yield Buffer.from(m);
  }
}

/** docker json-file: `{"log":"…\n","stream":"stdout","time":"…"}`; partial lines have no trailing \n. */
function dockerJsonLine(line: string): string | null {
  if (!line.startsWith('{')) return line + '\n';
  try {
    const o = JSON.parse(line) as { log?: unknown };
    return typeof o.log === 'string' ? o.log : null;
  } catch {
    return line + '\n';
  }
}

/** CRI: `<time> <stream> <F|P> <text>`; a P (partial) line continues on the next record. */
function criLine(line: string): string | null {
  const m = /^\S+ (?:stdout|stderr) ([FP]) ?/.exec(line);
  if (!m) return line + '\n';
  const text = line.slice(m[0].length);
  return m[1] === 'P' ? text : text + '\n';
}

