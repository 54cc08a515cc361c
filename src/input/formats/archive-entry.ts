// What tar and zip archives share: which entries are read (logs and Flink configuration by name),
// which are refused (paths escaping the archive), and the warning for those skipped.

import { isConfigName } from '../sources.js';

const LOG_NAME = /(?:\.log(?:\.\d+)?|\.out(?:\.\d+)?|\.err(?:\.\d+)?|\.txt|\.gz|\.tgz|\.tar|\.zip)$|(?:^|\/)(?:jobmanager|taskmanager)[^/]*$|(?:^|\/)(?:stdout|stderr)$|(?:^|\/|_)LOG(?:\.old\.\d+)?$/i;

/** True when an archive member's name looks like a log or a Flink configuration file. */
export function isLogMemberName(name: string): boolean {
  return LOG_NAME.test(name) || isConfigName(name);
}

/** An entry name that would escape the extraction root if written to disk. */
export function unsafeEntry(name: string): boolean {
  return name.startsWith('/') || /^[A-Za-z]:[\\/]/.test(name) || name.split(/[\\/]/).includes('..');
}

/** The warning for an unsafe entry. */
export const UNSAFE_ENTRY = 'archive entry points outside the archive (absolute path or ..); refused';

/** Warns (on the archive) about the entries skipped as neither logs nor configuration, if any. */
export function warnSkipped(name: string, skipped: string[], warn: (source: string, message: string) => void): void {
  if (skipped.length > 0) warn(name, `${skipped.length} archive member${skipped.length === 1 ? '' : 's'} that are not logs or Flink configuration skipped (e.g. ${skipped.slice(0, 3).join(', ')})`);
}
