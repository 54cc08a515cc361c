import { describe, expect, it } from 'vitest';
import { analyseLocalDir, localPath, sharesMount } from '../../src/correlate/analyses/localdir.js';
import type { ConfigEntry } from '../../src/model.js';

function cfg(pairs: Record<string, string>): ConfigEntry[] {
  return Object.entries(pairs).map(([key, value], i) => ({ key, value, source: 'flink-conf.yaml', line: i + 1 }));
}

describe('RocksDB local dir analysis', () => {
  it('sees the local dir inside the file:// checkpoint dir (the classic Azure Files case)', () => {
    const a = analyseLocalDir(cfg({ 'state.backend': 'rocksdb', 'state.checkpoints.dir': 'file:///mnt/checkpoints', 'state.backend.rocksdb.localdir': '/mnt/checkpoints/job' }), new Set());
    expect(a.onCheckpointMount).toBe(true);
    expect(a.effective).toMatchObject({ path: '/mnt/checkpoints/job', via: 'state.backend.rocksdb.localdir' });
    expect(a.statement).toMatch(/same mount as the checkpoint directory file:\/\/\/mnt\/checkpoints/);
  });

  it('falls back to io.tmp.dirs when the local dir is unset, and says so', () => {
    const a = analyseLocalDir(cfg({ 'execution.checkpointing.dir': 'file:///mnt/share/checkpoints', 'io.tmp.dirs': '/mnt/share/tmp' }), new Set());
    expect(a.onCheckpointMount).toBe(true);
    expect(a.effective!.via).toBe('io.tmp.dirs (state.backend.rocksdb.localdir is unset)');
    expect(a.checkpointDir!.key).toBe('execution.checkpointing.dir');
  });

  it('prefers the TaskManager working dir over io.tmp.dirs (Flink 1.15+)', () => {
    const a = analyseLocalDir(cfg({ 'io.tmp.dirs': '/tmp', 'process.taskmanager.working-dir': '/mnt/nfs/flink-work' }), new Set());
    expect(a.effective!.path).toBe('/mnt/nfs/flink-work');
    expect(a.remoteHint).toMatch(/'nfs'/);
  });

  it('finds nothing wrong with a local disk and an object-store checkpoint dir', () => {
    const a = analyseLocalDir(cfg({ 'state.checkpoints.dir': 's3://bucket/checkpoints', 'state.backend.rocksdb.localdir': '/mnt/local-ssd/rocksdb' }), new Set());
    expect(a.onCheckpointMount).toBe(false);
    expect(a.remoteHint).toBeNull();
  });

  it('prefers values from TaskManager sources', () => {
    const entries = [
      { key: 'state.backend.rocksdb.localdir', value: '/jm/dir', source: 'jm.log', line: 3 },
      { key: 'state.backend.rocksdb.localdir', value: '/tm/dir', source: 'tm.log', line: 4 },
    ];
    expect(analyseLocalDir(entries, new Set(['tm.log'])).effective!.path).toBe('/tm/dir');
  });

  it('reads paths and mounts', () => {
    expect(localPath('file:///mnt/x')).toBe('/mnt/x');
    expect(localPath('s3://b/x')).toBeNull();
    expect(localPath('/a/b;/c/d')).toBe('/a/b');
    expect(sharesMount('/mnt/checkpoints/job', '/mnt/checkpoints')).toBe(true);
    expect(sharesMount('/mnt/a/x', '/mnt/a/y')).toBe(true);
    expect(sharesMount('/mnt/a', '/mnt/b')).toBe(false);
    expect(sharesMount('/tmp/rocksdb', '/data/checkpoints')).toBe(false);
  });
});
