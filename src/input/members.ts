// Expands one input into the log streams it holds: recognises each stream's format from its first
// bytes (sniff) and hands it to that format's reader (formats/): plain text, gzip (nested), tar
// and zip archives streamed member by member, `yarn logs` aggregated output split per container,
// UTF-16 text, container-runtime wrappers (docker json-file, CRI) and JSON log layouts turned
// back into plain log lines, Flink REST documents, operator resources and events tables. Binary
// data and unsafe archive entries become warnings.

import { isConfigName, type InputSource } from './sources.js';
import { looksLikeJsonLog } from './json-log.js';
import { looksLikeRestDocument } from '../live/archive.js';
import { looksLikeEventsTable, looksLikeOperatorResource } from '../live/operator.js';
import type { ExpandOptions, Member } from './expand.js';
import { copyChunks, peek } from './streams.js';
import { binaryMember, looksBinary } from './formats/binary.js';
import { eventsMembers, operatorMembers, restMembers } from './formats/documents.js';
import { gzipMembers, isGzip } from './formats/gzip.js';
import { plainMembers, YAML_NAME } from './formats/plain.js';
import { isTar, tarMembers } from './formats/tar.js';
import { utf16Members, utf16Of } from './formats/utf16.js';
import { isCriLine, isDockerJsonLine, wrappedMember } from './formats/wrappers.js';
import { isYarnAggregated, yarnMembers } from './formats/yarn.js';
import { isZip, zipMembers } from './formats/zip.js';

export { DEFAULT_MAX_INFLATED, inflateBudget, MAX_RUN_FACTOR, type ExpandOptions, type InflateBudget, type Member } from './expand.js';

/** Bytes needed to recognise a format (tar's magic is at offset 257); more is used when already read. */
const HEAD_BYTES = 512;

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

/** Bytes of a stream's head that sniff() looks at. */
const SNIFF_BYTES = 64 << 10;

/** Recognises the format of a stream from its first bytes. */
export function sniff(head: Buffer): Sniffed {
  if (isGzip(head)) return 'gzip';
  if (isTar(head)) return 'tar';
  if (isZip(head)) return 'zip';
  const utf16 = utf16Of(head);
  if (utf16) return utf16;
  // The first 64 KiB tell (a head may be a whole 1 MiB chunk: decoding all of it per file costs).
  const start = head.subarray(0, SNIFF_BYTES);
  const text = start.toString('latin1');
  if (isYarnAggregated(text)) return 'yarn';
  if (looksBinary(start)) return 'binary';
  const firstLine = text.split('\n', 1)[0] ?? '';
  if (isDockerJsonLine(firstLine)) return 'docker-json';
  if (isCriLine(firstLine)) return 'cri';
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

/**
 * The members of one stream, by its format; container formats call back here for the streams
 * they hold (`depth` containers deep). `reused`: the raw chunks come from reused buffers; only a
 * plain log is scanned from them in place.
 */
async function* expandStream(name: string, raw: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number, path?: string, reused = false): AsyncGenerator<Member> {
  const peeked = await peek(raw, HEAD_BYTES);
  const kind = sniff(peeked.head);
  if (reused && (kind !== 'plain' || isConfigName(name) || YAML_NAME.test(name))) peeked.stream = copyChunks(peeked.stream);
  else if (reused) {
    yield { name, kind: 'log', chunks: peeked.stream, gzip: false, reusedChunks: true };
    return;
  }
  const stream = peeked.stream;
  switch (kind) {
    case 'gzip':
      yield* gzipMembers(name, stream, opts, depth, expandStream);
      return;
    case 'tar':
      yield* tarMembers(name, stream, opts, depth, expandStream);
      return;
    case 'zip':
      yield* zipMembers(name, stream, opts, depth, expandStream, path);
      return;
    case 'yarn':
      yield* yarnMembers(name, stream, opts);
      return;
    case 'utf-16le':
    case 'utf-16be':
      yield* utf16Members(name, stream, kind, opts, depth, expandStream);
      return;
    case 'binary':
      yield binaryMember(name, stream, opts);
      return;
    case 'docker-json':
    case 'cri':
    case 'json-layout':
      yield wrappedMember(name, stream, kind);
      return;
    case 'flink-rest':
      yield* restMembers(name, stream, opts);
      return;
    case 'flink-operator':
      yield* operatorMembers(name, stream, opts);
      return;
    case 'k8s-events':
      yield* eventsMembers(name, stream, opts);
      return;
    default:
      yield* plainMembers(name, stream, opts);
  }
}
