// Input: turns command-line paths (files, directories, `-` for stdin) into log and config sources,
// each a stream of large Buffers with gzip recognised by its magic bytes. Problems with one path
// become warnings; what the bytes mean is decided downstream (scan/, parse/, detect/).

import { createReadStream, fstatSync, promises as fsp, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { InputWarning } from '../model.js';
import { readReused, readReusedFd } from './read.js';

/** One input to scan. */
export interface InputSource {
  /** Path as given, joined with the path found below a given directory; `<stdin>` for stdin. */
  name: string;
  kind: 'log' | 'config';
  /** The file's path, when the input is a file (archives such as zip need random access). */
  path?: string;
  /** Opens the raw bytes; input/members.ts unwraps gzip, archives and container formats. */
  open(): AsyncIterable<Buffer>;
  /**
   * Opens the raw bytes read through reused buffers (see input/read.ts): a chunk is valid until
   * two more were read. Only files have it; members.ts copies chunks that a consumer keeps.
   * `sync`: read on the calling thread (see ReusedReadOptions.sync).
   */
  openReused?(sync: boolean): AsyncIterable<Buffer>;
  /** Bytes left to read, when known without a path (standard input redirected from a file). */
  size?: number;
}

const CHUNK = 1 << 20;
/** File names read from a walked directory (as globs, for the documentation; walk() matches LOG_FILE_NAME). */
export const LOG_GLOBS = ['**/*.log', '**/*.log.[0-9]*', '**/*.out', '**/*.out.[0-9]*', '**/*.err', '**/*.err.[0-9]*', '**/*.gz', '**/*.txt', '**/*.tar', '**/*.tgz', '**/*.zip'];
export const CONFIG_NAMES = ['flink-conf.yaml', 'flink-conf.yml', 'config.yaml', 'config.yml'];

/** True when a file name is a Flink configuration file. */
export function isConfigName(path: string): boolean {
  return CONFIG_NAMES.includes(basename(path));
}

/** Resolves paths into sources; unreadable or missing paths become warnings. */
export async function resolveInputs(
  paths: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
): Promise<{ sources: InputSource[]; warnings: InputWarning[] }> {
  const sources: InputSource[] = [];
  const warnings: InputWarning[] = [];
  const seen = new Set<string>();
  const add = (s: InputSource): void => {
    if (seen.has(s.name)) return;
    seen.add(s.name);
    sources.push(s);
  };
  for (const p of paths.length === 0 ? ['-'] : paths) {
    if (p === '-') {
      if (stdin === process.stdin && stdinClosed()) {
        warnings.push({ source: '<stdin>', message: 'standard input is closed (or is /dev/null): nothing to read; give log files or directories, or pipe a log in' });
        continue;
      }
      // Standard input redirected from a file is read like a file, through reused buffers.
      const size = stdin === process.stdin ? stdinFileSize() : null;
      add({ name: '<stdin>', kind: 'log', open: () => stdin as AsyncIterable<Buffer>, ...(size !== null ? { openReused: () => readReusedFd(0), size } : {}) });
      continue;
    }
    let st;
    try {
      st = await fsp.stat(p);
    } catch (e) {
      warnings.push({ source: p, message: describeFsError(e, 'cannot read') });
      continue;
    }
    if (st.isDirectory()) {
      const found = await walk(p, warnings);
      if (found.length === 0) warnings.push({ source: p, message: 'directory holds no log files (*.log, *.log.N, *.out, *.err, *.gz, *.txt, *.tar, *.tgz, *.zip) and no flink-conf.yaml/config.yaml' });
      for (const f of found) add(fileSource(f));
    } else if (st.isFile()) {
      add(fileSource(p));
    } else {
      warnings.push({ source: p, message: 'not a regular file or directory; skipped' });
    }
  }
  return { sources, warnings };
}

/** File names LOG_GLOBS match (the last path component). */
const LOG_FILE_NAME = /\.(?:log|out|err)(?:\.[0-9].*)?$|\.(?:gz|txt|tar|tgz|zip)$/;
/** Directories below a walked one followed at most (a bound on pathological trees, not on cycles). */
const MAX_WALK_DEPTH = 64;

/**
 * Finds the log and configuration files below `dir`. Symbolic links are followed, but each real
 * directory and file (device and inode) is visited once: a link back to a parent (`ln -s . self`)
 * neither loops nor reads a file twice. Dot files and directories are skipped.
 */
async function walk(dir: string, warnings: InputWarning[]): Promise<string[]> {
  const seen = new Set<string>();
  const configs: string[] = [];
  const logs: string[] = [];
  const idOf = (st: { dev: number; ino: number }): string => `${st.dev}:${st.ino}`;
  try {
    seen.add(idOf(await fsp.stat(dir)));
  } catch (e) {
    warnings.push({ source: dir, message: describeFsError(e, 'cannot walk directory') });
    return [];
  }
  // Breadth first, files before subdirectories: a file reached by several paths is named by its shallowest.
  let level: string[] = [''];
  for (let depth = 0; level.length > 0 && depth <= MAX_WALK_DEPTH; depth++) {
    const next: string[] = [];
    for (const rel of level) {
      let names: string[];
      try {
        names = (await fsp.readdir(join(dir, rel))).sort();
      } catch {
        continue; // an unreadable subdirectory is skipped (the others are read)
      }
      for (const name of names) {
        if (name.startsWith('.')) continue;
        const relPath = rel ? `${rel}/${name}` : name;
        let st;
        try {
          st = await fsp.stat(join(dir, relPath));
        } catch {
          continue; // a dangling link, or a file removed meanwhile
        }
        const id = idOf(st);
        if (seen.has(id)) continue;
        if (st.isDirectory()) {
          seen.add(id);
          next.push(relPath);
        } else if (st.isFile()) {
          const config = CONFIG_NAMES.includes(name);
          if (!config && !LOG_FILE_NAME.test(name)) continue;
          seen.add(id);
          (config ? configs : logs).push(relPath);
        }
      }
    }
    level = next;
  }
  return [...configs.sort(), ...logs.sort(naturalCompare)].map((f) => join(dir, f));
}

/** Orders `x.log`, `x.log.1`, `x.log.2`, `x.log.10` naturally. */
function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}

function fileSource(path: string): InputSource {
  return {
    name: path,
    kind: isConfigName(path) ? 'config' : 'log',
    path,
    open: () => createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>,
    openReused: (sync) => readReused(path, { chunkBytes: CHUNK, sync }),
  };
}

/**
 * True when standard input is closed. Node opens /dev/null in place of a closed descriptor 0, so
 * this is also true for `< /dev/null`: either way there is nothing to read.
 */
function stdinClosed(): boolean {
  try {
    const st = fstatSync(0);
    if (!st.isCharacterDevice()) return false;
    const nul = statSync('/dev/null');
    return st.rdev === nul.rdev;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EBADF';
  }
}

/** The size of standard input when it is redirected from a regular file, else null. */
function stdinFileSize(): number | null {
  try {
    const st = fstatSync(0);
    return st.isFile() ? st.size : null;
  } catch {
    return null;
  }
}

/** One-line description of a filesystem error. */
export function describeFsError(e: unknown, what: string): string {
  const err = e as NodeJS.ErrnoException;
  switch (err.code) {
    case 'ENOENT':
      return `${what}: no such file or directory`;
    case 'EACCES':
    case 'EPERM':
      return `${what}: permission denied`;
    case 'EISDIR':
      return `${what}: is a directory`;
    case 'ELOOP':
      return `${what}: too many levels of symbolic links`;
    default:
      return `${what}: ${err.message ?? String(e)}`;
  }
}
