// Analysis of where RocksDB keeps its working files: the configured local dir (or the io.tmp.dirs /
// working-dir fallback) compared with the checkpoint dir and checked for filesystems known to lack
// hard links. Registered as the `rocksdb-localdir` analysis: it adds the configuration, the
// statement of where the directory is, the directories seen in error paths per job and the fix's
// configuration change (keep the checkpoint directory, move the local directory to a local disk);
// as a `check:` it makes a finding from configuration alone.

import type { ConfigChangeLine, ConfigEntry, Evidence, Signal, SourceInfo } from '../../model.js';
import { formatConfigChange } from '../../model.js';
import type { Facts } from '../../detect/facts.js';

/** The configuration that decides where RocksDB's local files live. */
export interface LocalDirAnalysis {
  backend: ConfigEntry | null;
  incremental: ConfigEntry | null;
  checkpointDir: ConfigEntry | null;
  localDir: ConfigEntry | null;
  tmpDirs: ConfigEntry | null;
  workingDir: ConfigEntry | null;
  /** The directory RocksDB uses and which setting decided it. */
  effective: { path: string; via: string; entry: ConfigEntry | null } | null;
  /** The effective local dir sits on the checkpoint dir's mount (shared path prefix). */
  onCheckpointMount: boolean;
  /** Why the local dir looks like a remote filesystem, or null. */
  remoteHint: string | null;
  /** Config entries worth showing, in a stable order. */
  entries: ConfigEntry[];
  /** Plain-language statement of the relation, for reports. */
  statement: string;
}

const KEYS = {
  backend: ['state.backend.type', 'state.backend'],
  incremental: ['execution.checkpointing.incremental', 'state.backend.incremental'],
  checkpointDir: ['execution.checkpointing.dir', 'state.checkpoints.dir', 'state.backend.fs.checkpointdir'],
  localDir: ['state.backend.rocksdb.localdir', 'state.backend.rocksdb.checkpointdir'],
  tmpDirs: ['io.tmp.dirs', 'taskmanager.tmp.dirs'],
  workingDir: ['process.taskmanager.working-dir', 'process.working-dir'],
};

/** Every configuration key the analysis reads. */
export const LOCALDIR_KEYS = Object.values(KEYS).flat();

const REMOTE_WORDS = /^(?:nfs\d*|smb|cifs|azure[-_]?files?|azurefile|fileshare|file-share|afs|blob|blobfuse2?|s3|s3fs|s3-fuse|gcs|gcsfuse|goofys|efs|fsx|nas|share|shares|shared|netapp|mountpoint-s3|hdfs-fuse|sshfs|webdav)$/i;

/** Looks up the first value of any of the keys, preferring TaskManager-side sources. */
function pick(config: ConfigEntry[], keys: string[], preferred: Set<string>): ConfigEntry | null {
  for (const k of keys) {
    const all = config.filter((c) => c.key === k && c.value !== '');
    if (all.length > 0) return all.find((c) => preferred.has(c.source)) ?? all[0]!;
  }
  return null;
}

/** Strips a `file://` scheme; returns null for other schemes (hdfs://, s3://, …). */
export function localPath(uri: string): string | null {
  const first = uri.split(/[;,]/)[0]!.trim();
  const m = /^([a-zA-Z][\w+.-]*):\/\/(.*)$/.exec(first);
  if (!m) return first.startsWith('/') ? first : null;
  if (m[1]!.toLowerCase() !== 'file') return null;
  const rest = m[2]!;
  return rest.startsWith('/') ? rest : '/' + rest.replace(/^[^/]*/, '').replace(/^\//, '');
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c.length > 0 && c !== '.');
}

/** True when `dir` lies under `base` or both share at least two leading path components. */
export function sharesMount(dir: string, base: string): boolean {
  const a = components(dir);
  const b = components(base);
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  if (common === b.length && common > 0) return true;
  return common >= 2;
}

/** Analyses the configuration; `observedDir` is the RocksDB dir seen in an error path, if any. */
export function analyseLocalDir(config: ConfigEntry[], tmSources: Set<string>, observedDir?: string | null): LocalDirAnalysis {
  const backend = pick(config, KEYS.backend, tmSources);
  const incremental = pick(config, KEYS.incremental, tmSources);
  const checkpointDir = pick(config, KEYS.checkpointDir, tmSources);
  const localDir = pick(config, KEYS.localDir, tmSources);
  const tmpDirs = pick(config, KEYS.tmpDirs, tmSources);
  const workingDir = pick(config, KEYS.workingDir, tmSources);
  let effective: LocalDirAnalysis['effective'] = null;
  if (localDir) effective = { path: localPath(localDir.value) ?? localDir.value, via: localDir.key, entry: localDir };
  else if (workingDir) effective = { path: localPath(workingDir.value) ?? workingDir.value, via: `${workingDir.key} (state.backend.rocksdb.localdir is unset)`, entry: workingDir };
  else if (tmpDirs) effective = { path: localPath(tmpDirs.value) ?? tmpDirs.value, via: `${tmpDirs.key} (state.backend.rocksdb.localdir is unset)`, entry: tmpDirs };
  else if (observedDir) effective = { path: observedDir, via: 'the path in the RocksDB error', entry: null };

  const ckptPath = checkpointDir ? localPath(checkpointDir.value) : null;
  const onCheckpointMount = !!(effective && ckptPath && sharesMount(effective.path, ckptPath));
  let remoteHint: string | null = null;
  if (effective) {
    const word = components(effective.path).find((c) => REMOTE_WORDS.test(c) || /(?:^|[-_])(?:nfs|smb|cifs|azurefile|blobfuse|s3fs|gcsfuse)(?:$|[-_])/i.test(c));
    if (word) remoteHint = `its path contains '${word}', a name used for network or object-store mounts`;
  }
  const entries = [backend, incremental, checkpointDir, localDir, workingDir, tmpDirs].filter((e): e is ConfigEntry => e !== null);

  let statement: string;
  if (!effective) {
    statement = 'The RocksDB local directory could not be determined: no state.backend.rocksdb.localdir, io.tmp.dirs or working-dir setting was found in the input.';
  } else if (onCheckpointMount && checkpointDir) {
    statement = `RocksDB's local directory ${effective.path} (from ${effective.via}) is on the same mount as the checkpoint directory ${checkpointDir.value} (${checkpointDir.key}), so RocksDB works on the network share instead of a local disk.`;
  } else if (remoteHint) {
    statement = `RocksDB's local directory ${effective.path} (from ${effective.via}) looks like a network or object-store mount: ${remoteHint}.`;
  } else {
    statement = `RocksDB's local directory is ${effective.path} (from ${effective.via}).`;
  }
  return { backend, incremental, checkpointDir, localDir, tmpDirs, workingDir, effective, onCheckpointMount, remoteHint, entries, statement };
}

/** RocksDB's base dir from a path in an error: the part before `job_<id>_op_…`, else the parent dir. */
export function observedRocksDir(path: string | null | undefined): string | null {
  if (!path) return null;
  const m = /^(.*?)\/job_[0-9a-f]{32}_op_/.exec(path);
  if (m) return m[1] || '/';
  const cut = path.replace(/\/chk[-_]\d+.*$/, '');
  const parent = cut.replace(/\/[^/]*$/, '');
  return parent || cut;
}

/** The RocksDB directories the signals' error paths name (captures `instance` or `target`), in order. */
function observedDirs(signals: Signal[]): string[] {
  const dirs: string[] = [];
  for (const s of signals) {
    const d = observedRocksDir(s.fields.instance ?? s.fields.target);
    if (d && !dirs.includes(d)) dirs.push(d);
  }
  return dirs;
}

/** The fix: the checkpoint directory stays, RocksDB's local directory moves to a local disk. */
function configChange(a: LocalDirAnalysis): ConfigChangeLine[] {
  const ckptKey = a.checkpointDir?.key ?? 'state.checkpoints.dir';
  const localKey = a.localDir?.key === 'state.backend.rocksdb.checkpointdir' ? 'state.backend.rocksdb.localdir' : (a.localDir?.key ?? 'state.backend.rocksdb.localdir');
  return [
    { key: ckptKey, value: a.checkpointDir?.value ?? '<your current durable checkpoint URI>', action: 'keep', note: 'the durable copy stays on the shared filesystem' },
    { key: localKey, value: '/tmp/flink-rocksdb', action: a.localDir ? 'change' : 'add', note: 'a local disk of each TaskManager' },
  ];
}

/** A configuration change as YAML lines with aligned `# keep:` / `# change:` comments. */
export function configChangeText(lines: ConfigChangeLine[]): string {
  return formatConfigChange(lines);
}

function values(a: LocalDirAnalysis, change: ConfigChangeLine[]): Record<string, string> {
  return {
    localdir: a.effective?.path ?? 'unknown',
    localdirVia: a.effective?.via ?? 'unknown',
    checkpointDir: a.checkpointDir?.value ?? 'not found in the input',
    checkpointDirKey: change[0]!.key,
    localdirKey: change[1]!.key,
    localdirStatement: a.statement,
    configChange: configChangeText(change),
    newLocaldir: change[1]!.value,
  };
}

function factsOf(a: LocalDirAnalysis, observed: string[]) {
  return { localDir: { path: a.effective?.path ?? null, via: a.effective?.via ?? null, checkpointDir: a.checkpointDir?.value ?? null, onCheckpointMount: a.onCheckpointMount, remoteHint: a.remoteHint, observed } };
}

function tmNames(sources: SourceInfo[]): Set<string> {
  return new Set(sources.filter((s) => s.role === 'taskmanager').map((s) => s.name));
}

/** The `rocksdb-localdir` analysis. */
export const rocksdbLocalDir = {
  name: 'rocksdb-localdir',
  enrich({ signals, facts, sources }: { signals: Signal[]; facts: Facts; sources: SourceInfo[] }) {
    const first = signals[0];
    const a = analyseLocalDir(facts.config, tmNames(sources), observedRocksDir(first?.fields.instance ?? first?.fields.target));
    const change = configChange(a);
    const unchecked =
      !a.localDir && !a.checkpointDir && !a.tmpDirs
        ? ['No configuration was found in the input (no "Loading configuration property" lines, no flink-conf.yaml or config.yaml): the RocksDB local dir could not be compared with the checkpoint dir.']
        : [];
    return { config: a.entries, values: values(a, change), impact: [a.statement], unchecked, facts: factsOf(a, observedDirs(signals)), configChange: change };
  },
  check({ facts, sources }: { facts: Facts; sources: SourceInfo[] }) {
    const a = analyseLocalDir(facts.config, tmNames(sources));
    if (!a.effective || !(a.onCheckpointMount || a.remoteHint)) return null;
    const usesRocks = a.backend ? /rocksdb/i.test(a.backend.value) : !!a.localDir;
    if (!usesRocks) return null;
    const change = configChange(a);
    const evidence: Evidence[] = a.entries.map((c) => ({ source: c.source, line: c.line, role: sources.find((s) => s.name === c.source)?.role ?? 'unknown', text: `${c.key}: ${c.value}` }));
    return { config: a.entries, values: values(a, change), impact: [a.statement], facts: factsOf(a, []), configChange: change, evidence };
  },
  directories: { label: 'RocksDB directory', of: observedDirs },
};
