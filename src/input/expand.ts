// What expanding an input yields (Member) and the bounds it keeps: the options every container
// format reads, the inflate limits and the budget one scan shares.

import type { Role } from '../model.js';

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

/**
 * Expands the stream `raw` named `name`, found `depth` containers deep, into its members: what a
 * container format calls for each stream it holds (input/members.ts, expandStream).
 */
export type ExpandStream = (name: string, raw: AsyncIterable<Buffer>, opts: ExpandOptions, depth: number) => AsyncGenerator<Member>;

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
export const BOMB_RATIO = 200;
/** Inflated bytes read before the ratio is judged (small streams are never bombs). */
export const BOMB_MIN_BYTES = 256 << 20;

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
