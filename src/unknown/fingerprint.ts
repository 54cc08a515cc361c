// Fingerprints of failures no pattern knows: the root-cause exception class, its message with
// the variable parts masked (numbers, ids, hex, paths, hosts, timestamps), and the top frames of
// the innermost cause that are not JDK or Flink-runtime plumbing. Grouping is in groups.ts.

import { createHash } from 'node:crypto';
import type { ChainLink, LogEvent } from '../model.js';

/** What identifies one kind of unknown failure. */
export interface FingerprintParts {
  /** Root-cause exception class, or '' for a log line without an exception. */
  exception: string;
  /** The normalised message. */
  message: string;
  /** Up to three application frames of the innermost cause. */
  frames: string[];
}

const PLUMBING = /^(?:java\.|javax\.|jdk\.|sun\.|com\.sun\.|scala\.|akka\.|org\.apache\.pekko\.|kotlin\.|org\.apache\.flink\.(?:runtime\.|streaming\.runtime\.|util\.|shaded\.|core\.|api\.common\.|streaming\.api\.operators\.AbstractStreamOperator|table\.runtime\.operators\.|client\.program\.|runtime\.rpc\.)|io\.netty\.|org\.apache\.flink\.shaded\.|org\.apache\.hadoop\.ipc\.|org\.apache\.kafka\.common\.utils\.)/;

/** Masks the variable parts of a message so that occurrences of one failure compare equal. */
export function normaliseMessage(text: string): string {
  return text
    .split('\n')[0]!
    .replace(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>')
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>')
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s'",)\]]+/gi, '<uri>')
    .replace(/(?:[A-Za-z]:)?(?:[\\/][\w.$@+~-]+){2,}[\\/]?/g, '<path>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>')
    .replace(/\b[a-z0-9-]+(?:\.[a-z0-9-]+)+:\d{2,5}\b/gi, '<host:port>')
    .replace(/\b(?:container|application|appattempt)_[\d_e]+\b/g, '<container>')
    .replace(/\b[0-9a-f]{32}(?:_[0-9a-f]{32}_\d+_\d+)?\b/g, '<id>')
    .replace(/\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi, '<hex>')
    .replace(/\b(?=[\w-]*\d)(?=[\w-]*[a-zA-Z])[\w-]{6,}\b/g, '<id>')
    .replace(/\(\d+\/\d+\)(?:#\d+)?/g, '(<i>/<n>)')
    .replace(/-?\b\d+(?:\.\d+)?\b/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 240);
}

/** The innermost cause with a class name, else the last link. */
export function rootCause(chain: ChainLink[]): ChainLink | null {
  for (let i = chain.length - 1; i >= 0; i--) if (chain[i]!.cls && chain[i]!.kind !== 'suppressed') return chain[i]!;
  return chain[chain.length - 1] ?? null;
}

/** Frames of one link: from its first frame to the next link's. */
export function framesOf(e: LogEvent, link: ChainLink): string[] {
  const i = e.chain.indexOf(link);
  const next = e.chain.slice(i + 1).find((l) => l.firstFrame > link.firstFrame);
  return e.frames.slice(link.firstFrame, next ? next.firstFrame : e.frames.length);
}

/** Fingerprint parts of an event. */
export function fingerprintParts(e: LogEvent): FingerprintParts {
  const root = rootCause(e.chain);
  if (!root) return { exception: '', message: normaliseMessage(e.message), frames: [] };
  const own = framesOf(e, root);
  const app = own.filter((f) => !PLUMBING.test(f)).slice(0, 3).map((f) => f.replace(/\(.*$/, ''));
  return { exception: root.cls, message: normaliseMessage(root.message), frames: app };
}

/** Stable short id of fingerprint parts, e.g. `fp-3a9c1e2b7d`. */
export function fingerprintId(p: FingerprintParts): string {
  const h = createHash('sha1').update(`${p.exception}\n${p.message}\n${p.frames.join('\n')}`).digest('hex');
  return `fp-${h.slice(0, 10)}`;
}
