// Writes the --redact-map file: the only place the original values go. It is created anew,
// readable by its owner only (mode 600), and never through a symbolic link: an existing file is
// refused unless the user says --force (then it is replaced by a new file, still never a link's
// target), so that a link planted at the path cannot redirect the originals elsewhere.

import { closeSync, constants, lstatSync, openSync, unlinkSync, writeSync } from 'node:fs';

/** Why the map could not be written, in words for the user (the CLI adds the flag and the path). */
export class MapFileError extends Error {}

/** Creates `path` exclusively with mode 600 and writes `text` to it; with `force`, an existing regular file is replaced first. */
export function writeMapFile(path: string, text: string, force: boolean): void {
  let existing: ReturnType<typeof lstatSync> | null = null;
  try {
    existing = lstatSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new MapFileError(`cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (existing) {
    if (existing.isSymbolicLink()) throw new MapFileError('is a symbolic link; the mapping is never written through one (remove it, or choose another path)');
    if (!existing.isFile()) throw new MapFileError('exists and is not a regular file');
    if (!force) throw new MapFileError('exists; add --force to replace it (the new file is created with mode 600)');
    unlinkSync(path);
  }
  let fd: number;
  try {
    // O_EXCL: a file (or a link) that appeared meanwhile is not opened; O_NOFOLLOW where there is one.
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new MapFileError(code === 'EEXIST' ? 'appeared while it was being created; not written' : `cannot write: ${code ?? (e as Error).message}`);
  }
  try {
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
}
