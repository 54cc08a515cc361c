// Reads the Flink identities an event carries — checkpoint id, job id, task `name (i/n)`,
// attempt id, TaskManager location — from its header and exception chain, so the correlator can
// join signals across TaskManager and JobManager logs.

import type { Identity, LogEvent } from '../model.js';
import { parseLocation } from './extract.js';

const TASK_IN_SNAPSHOT = /Could not (?:complete snapshot|perform checkpoint|materialize checkpoint) (\d+) for operator (.+? \(\d+\/\d+\))(?:#\d+)?\./;
// The attempt id is missing where the REST API's exception history stands in for the log.
const TASK_TRANSITION = /^(.+? \(\d+\/\d+\))(?:#\d+)?(?: \(([0-9a-f_]{32,})\))? switched from [A-Z_]+ to [A-Z_]+(?: on (.+?))?(?:\.$| with failure cause:| due to)/;
const DECLINE = /^Decline checkpoint (\d+) by task (\S+) of job ([0-9a-f]{32})(?: at (.+?))?\.?$/;
const CHECKPOINT_WORD = /\b(?:[Cc]heckpoint|snapshot) (\d+)\b/;
const CHK_DIR = /\bchk-(\d+)(?:\.tmp)?\//;
const JOB_IN_PATH = /job_([0-9a-f]{32})_op_/;
const JOB_WORD = /\bjob ([0-9a-f]{32})\b|\(([0-9a-f]{32})\) switched from state/;
/** A word one of the regexes above needs (as its guard below checks it): a text without any is read by none of them. */
const ANY_WORD = /switched from |Could not |chk-|heckpoint |snapshot |job[_ ]/;

/**
 * Identity fields of an event; `fields` (pattern captures) take precedence. Each regex runs only
 * on a text that holds a word every match of it holds (a native substring search): most signals
 * carry none of these identities, and the regexes' unanchored searches cost more than the checks.
 */
export function identityOf(e: LogEvent, fields: Record<string, string>): Identity {
  const id: Identity = {};
  const msg = e.message;
  const chain = e.chain;
  if (fields.checkpoint && /^\d+$/.test(fields.checkpoint)) id.checkpoint = +fields.checkpoint;
  if (fields.job) id.job = fields.job;
  if (fields.task) id.task = fields.task.replace(/#\d+$/, '');
  // Most signals (a client's retry warning, a chatty failure) name none: one search says so.
  if (chain.length === 0 && !ANY_WORD.test(msg)) return id;

  const tt = e.hasHeader && msg.includes(' switched from ') ? TASK_TRANSITION.exec(msg) : null;
  if (tt) {
    id.task ??= tt[1]!;
    if (tt[2]) id.attempt = tt[2];
    if (tt[3]) {
      const loc = parseLocation(tt[3]);
      if (loc.host) id.host = loc.host;
      if (loc.resourceId) id.resourceId = loc.resourceId;
    }
  }
  const dc = e.hasHeader && msg.startsWith('Decline checkpoint ') ? DECLINE.exec(msg) : null;
  if (dc) {
    id.checkpoint ??= +dc[1]!;
    id.attempt = dc[2]!;
    id.job ??= dc[3]!;
    if (dc[4]) {
      const loc = parseLocation(dc[4]);
      if (loc.host) id.host = loc.host;
      if (loc.resourceId) id.resourceId = loc.resourceId;
    }
  }
  // The texts: the message, then each link's message of the chain.
  for (let i = -1; i < chain.length; i++) {
    const t = i < 0 ? msg : chain[i]!.message;
    const s = t.includes('Could not ') ? TASK_IN_SNAPSHOT.exec(t) : null;
    if (s) {
      id.checkpoint ??= +s[1]!;
      id.task ??= s[2]!;
      break;
    }
  }
  if (id.checkpoint === undefined) {
    for (let i = -1; i < chain.length; i++) {
      const t = i < 0 ? msg : chain[i]!.message;
      const m = t.includes('chk-') ? CHK_DIR.exec(t) : null;
      if (m) {
        id.checkpoint = +m[1]!;
        break;
      }
    }
  }
  if (id.checkpoint === undefined && e.hasHeader && (msg.includes('heckpoint ') || msg.includes('snapshot '))) {
    const m = CHECKPOINT_WORD.exec(msg);
    if (m) id.checkpoint = +m[1]!;
  }
  if (!id.job) {
    for (let i = -1; i < chain.length; i++) {
      const t = i < 0 ? msg : chain[i]!.message;
      const m = (t.includes('job_') ? JOB_IN_PATH.exec(t) : null) ?? (t.includes('job ') || t.includes(') switched from state') ? JOB_WORD.exec(t) : null);
      if (m) {
        id.job = (m[1] ?? m[2])!;
        break;
      }
    }
  }
  return id;
}
