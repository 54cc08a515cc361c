// Input: turns command-line paths (files, directories, `-` for stdin) into log and config sources,
// each a stream of large Buffers with gzip recognised by its magic bytes. Problems with one path
// become warnings; what the bytes mean is decided downstream (scan/, parse/, detect/).

import { StreamEdges, withEdges } from './edges.js';
import { createReadStream, fstatSync, promises as fsp, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { InputWarning, Role } from '../model.js';
import { readReused, readReusedFd } from './read.js';
import { captureDocument, captureLive, isLiveUrl, type LiveOptions } from '../live/client.js';
import { looksLikeRestDocument } from '../live/archive.js';
import { looksLikeOperatorResource } from '../live/operator.js';

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
  /** For a stream that cannot be read again (stdin): its head and tail, kept as it is read. */
  edges?: StreamEdges;
  /** The role and host the input is known to come from (a log read from a cluster's REST API). */
  roleHint?: Role;
  host?: string;
}

const CHUNK = 1 << 20;
/** File names read from a walked directory (as globs, for the documentation; walk() matches LOG_FILE_NAME). */
export const LOG_GLOBS = ['**/*.log', '**/*.log.[0-9]*', '**/*.out', '**/*.out.[0-9]*', '**/*.err', '**/*.err.[0-9]*', '**/*.gz', '**/*.txt', '**/*.tar', '**/*.tgz', '**/*.zip', '**/*.json', '**/*.yaml', '**/*.yml', `**/${'[0-9a-f]'.repeat(32)}`, '**/LOG', '**/LOG.old.[0-9]*', '**/*_LOG', '**/*_LOG.old.[0-9]*'];
export const CONFIG_NAMES = ['flink-conf.yaml', 'flink-conf.yml', 'config.yaml', 'config.yml'];

/** True when a file name is a Flink configuration file. */
export function isConfigName(path: string): boolean {
  return CONFIG_NAMES.includes(basename(path));
}

/** Resolves paths into sources; unreadable or missing paths become warnings. */
export interface ResolveOptions {
  /** How a cluster's REST API is read (`http(s)://` arguments). */
  live?: LiveOptions;
  /** Write each live capture's REST responses to this file (a HistoryServer-format archive). */
  saveLive?: string;
}

export async function resolveInputs(
  paths: string[],
  stdin: NodeJS.ReadableStream = process.stdin,
  options: ResolveOptions = {},
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
    if (isLiveUrl(p)) {
      // A cluster's REST API: its responses become one REST document, its log files logs.
      const capture = await captureLive(p, options.live);
      warnings.push(...capture.warnings);
      const doc = Buffer.from(captureDocument(capture));
      if (options.saveLive) {
        try {
          writeFileSync(options.saveLive, doc);
        } catch (e) {
          warnings.push({ source: options.saveLive, message: describeFsError(e, 'cannot write the live capture') });
        }
      }
      if (capture.archive.size > 0) add(memorySource(capture.base, doc));
      for (const log of capture.logs) add({ ...memorySource(log.name, Buffer.from(log.text)), roleHint: log.role, ...(log.host ? { host: log.host } : {}) });
      continue;
    }
    if (p === '-') {
      if (stdin === process.stdin && stdinClosed()) {
        warnings.push({ source: '<stdin>', message: 'standard input is closed (or is /dev/null): nothing to read; give log files or directories, or pipe a log in' });
        continue;
      }
      // Standard input redirected from a file is read like a file, through reused buffers.
      const size = stdin === process.stdin ? stdinFileSize() : null;
      const edges = new StreamEdges();
      add({ name: '<stdin>', kind: 'log', open: () => withEdges(stdin as AsyncIterable<Buffer>, edges), edges, ...(size !== null ? { openReused: () => withEdges(readReusedFd(0), edges), size } : {}) });
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
      if (found.length === 0) warnings.push({ source: p, message: 'directory holds no log files (*.log, *.log.N, *.out, *.err, *.gz, *.txt, *.tar, *.tgz, *.zip, RocksDB LOG), no REST documents (*.json, HistoryServer archives) and no flink-conf.yaml/config.yaml' });
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
const LOG_FILE_NAME = /\.(?:log|out|err)(?:\.[0-9].*)?$|\.(?:gz|txt|tar|tgz|zip|json|ya?ml)$|^[0-9a-f]{32}$|(?:^|_)LOG(?:\.old\.\d+)?$/;
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
  const found = [...configs.sort(), ...logs.sort(naturalCompare)].map((f) => join(dir, f));
  // JSON, YAML and id-named files are read only when they are REST documents or operator
  // resources (a bundle holds many other such files, which are not logs).
  const keep = await Promise.all(found.map((f) => (DOCUMENT_NAME.test(f) && !isConfigName(f) ? isEvidenceDocument(f) : true)));
  return found.filter((_, i) => keep[i]);
}

/** Files of a walked directory kept only when their content is live evidence. */
const DOCUMENT_NAME = /(?:\.json|\.ya?ml|(?:^|\/)[0-9a-f]{32})$/i;

/** True when a file starts like a Flink REST document or a Flink operator resource. */
async function isEvidenceDocument(path: string): Promise<boolean> {
  const fh = await fsp.open(path, 'r').catch(() => null);
  if (!fh) return true; // unreadable: the scan reports it
  try {
    const head = Buffer.alloc(65536);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const text = head.toString('utf8', 0, bytesRead);
    return looksLikeRestDocument(text) || looksLikeOperatorResource(text) || (head[0] === 0x1f && head[1] === 0x8b);
  } finally {
    await fh.close();
  }
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

/** An input held in memory (what a live read fetched). */
function memorySource(name: string, bytes: Buffer): InputSource {
  return {
    name,
    kind: 'log',
    open: async function* () {
      yield bytes;
    },
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
