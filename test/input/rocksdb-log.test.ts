// RocksDB's own LOG files (`<instance>/db/LOG`, `LOG.old.<time>`, and `<instance path>_LOG` in a
// db_log_dir such as Flink's log directory) are read in directory scans as TaskManager logs: their
// header layout is parsed, the host they name (or their TaskManager's, from the directory tree) is theirs.

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classify, LineKind, parseHeader } from '../../src/parse/line.js';
import { diagnosePaths } from '../../src/diagnose.js';
import { tempDir } from '../helpers.js';

const INSTANCE = 'job_0a1b2c3d4e5f60718293a4b5c6d7e8f9_op_KeyedProcessOperator_4a7b__1_2__uuid_5e3c';
const LINK_FAILED = (dir: string): string =>
  `2024/05/01-12:00:03.456789 7f8b2c3fe700 [utilities/checkpoint/checkpoint_impl.cc:184] Snapshot failed -- IO error: while link file to ${dir}/${INSTANCE}/chk-7.tmp/000022.sst: ${dir}/${INSTANCE}/db/000022.sst: Not supported`;
const ROCKS_HEAD = ['2024/05/01-12:00:00.000001 7f8b2c3fe700 RocksDB version: 6.20.3', '2024/05/01-12:00:00.000002 7f8b2c3fe700 DB SUMMARY'];
const TM_LINE = '2024-05-01 12:00:00,000 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor           [] - Allocated slot for 5f3e2d.';

describe('RocksDB LOG header layout', () => {
  it('reads an INFO line (no level written), its thread id and source place', () => {
    const h = parseHeader('2024/05/01-12:00:00.123456 7f8b2c3fe700 [db/db_impl/db_impl.cc:123] Opened the db');
    expect(h).toEqual({ time: '2024-05-01T12:00:00.123', timeMs: Date.UTC(2024, 4, 1, 12, 0, 0, 123), level: 'INFO', logger: 'db/db_impl/db_impl.cc', thread: '7f8b2c3fe700', message: 'Opened the db' });
  });

  it('reads a level, a decimal thread id (RocksDB 8) and a truncated place', () => {
    const h = parseHeader('2026/12/04-15:41:14.267744 140499735783104 [WARN] [/db_impl/db_impl_files.cc:56] File Deletions Disabled, but already disabled. Counter: 2')!;
    expect(h).toMatchObject({ level: 'WARN', logger: '/db_impl/db_impl_files.cc', thread: '140499735783104', message: 'File Deletions Disabled, but already disabled. Counter: 2' });
    expect(parseHeader('2024/05/01-12:00:00.123456 7f8b2c3fe700 [ERROR] [db/error_handler.cc:283] Background IO error IO error: No space left on device')).toMatchObject({ level: 'ERROR', message: 'Background IO error IO error: No space left on device' });
  });

  it('reads a header-level line (no place) and keeps the header a header', () => {
    expect(parseHeader('2026/12/04-15:41:13.324441 140499735783104 Host name (Env):  vm')).toMatchObject({ level: 'INFO', logger: null, message: 'Host name (Env):  vm' });
    expect(classify('2026/12/04-15:41:13.324441 140499735783104 Host name (Env):  vm')).toBe(LineKind.Header);
  });

  it('near misses: other slash-dated layouts keep the generic reading', () => {
    expect(parseHeader('2024/05/01-12:00:00.123 ERROR something broke')).toMatchObject({ level: 'ERROR', thread: null, message: 'something broke' });
    expect(parseHeader('2024/05/01 12:00:00 INFO x')).toMatchObject({ level: 'INFO', thread: null });
  });
});

describe('RocksDB LOG files in a directory scan', () => {
  function bundle(): { dir: string; tm1: string; tm2: string } {
    const dir = tempDir();
    const tm1 = join(dir, 'tm-1');
    const tm2 = join(dir, 'tm-2');
    for (const [tm, host] of [[tm1, 'worker1'], [tm2, 'worker2']] as const) {
      mkdirSync(join(tm, 'rocksdb', INSTANCE, 'db'), { recursive: true });
      writeFileSync(join(tm, `flink-flink-taskexecutor-0-${host}.log`), TM_LINE + '\n');
    }
    return { dir, tm1, tm2 };
  }

  it('finds the hard-link failure in a LOG and attributes it to the TaskManager of its directory', async () => {
    const { dir, tm1 } = bundle();
    writeFileSync(join(tm1, 'rocksdb', INSTANCE, 'db', 'LOG'), [...ROCKS_HEAD, LINK_FAILED('/mnt/share/rocksdb')].join('\n') + '\n');
    const d = await diagnosePaths([dir], { ignore: [] });
    const log = d.inputs.find((s) => s.name.endsWith('/db/LOG'))!;
    expect(log).toMatchObject({ role: 'taskmanager', hosts: ['worker1'] });
    const f = d.findings.find((x) => x.id === 'rocksdb-hardlink-unsupported');
    expect(f).toBeDefined();
    expect(f!.hosts).toEqual(['worker1']);
  });

  it('reads rolled LOG.old.<time> files and the `<path>_LOG` names of a db_log_dir; the host RocksDB names is kept', async () => {
    const { dir, tm2 } = bundle();
    writeFileSync(join(tm2, 'rocksdb', INSTANCE, 'db', 'LOG.old.1714564800123456'), [...ROCKS_HEAD, LINK_FAILED('/mnt/share/rocksdb')].join('\n') + '\n');
    writeFileSync(join(dir, `mnt_share_rocksdb_${INSTANCE}_db_LOG`), [...ROCKS_HEAD, '2024/05/01-12:00:00.000003 7f8b2c3fe700 Host name (Env):  worker9', LINK_FAILED('/mnt/share/rocksdb')].join('\n') + '\n');
    const d = await diagnosePaths([dir], { ignore: [] });
    const names = d.inputs.map((s) => s.name.slice(dir.length + 1));
    expect(names).toContain(`tm-2/rocksdb/${INSTANCE}/db/LOG.old.1714564800123456`);
    expect(d.inputs.find((s) => s.name.endsWith('LOG.old.1714564800123456'))!.hosts).toEqual(['worker2']);
    // At the top of the scan two TaskManagers are as near: only the host the LOG names is taken.
    expect(d.inputs.find((s) => s.name.endsWith('_db_LOG'))).toMatchObject({ role: 'taskmanager', hosts: ['worker9'] });
  });

  it('a LOG two TaskManagers are equally near to names no host; near-miss names are not read', async () => {
    const { dir } = bundle();
    writeFileSync(join(dir, 'LOG'), [...ROCKS_HEAD, LINK_FAILED('/mnt/share/rocksdb')].join('\n') + '\n');
    for (const name of ['LOGS', 'LOG.bak', 'CATALOG', 'LOG.old.x']) writeFileSync(join(dir, name), LINK_FAILED('/mnt/share/rocksdb') + '\n');
    const d = await diagnosePaths([dir], { ignore: [] });
    const top = d.inputs.filter((s) => !s.name.slice(dir.length + 1).includes('/')).map((s) => s.name.slice(dir.length + 1));
    expect(top).toEqual(['LOG']);
    expect(d.inputs.find((s) => s.name.endsWith('/LOG'))).toMatchObject({ role: 'taskmanager', hosts: [] });
  });

  it('lab capture (Flink 2.3.0, RocksDB logs in the log directory): the LOGs are TaskManager logs on the host they name, their routine WARNs background noise', async () => {
    const dir = join(__dirname, '../../lab/captures/rocksdb-hardlink-unsupported/2.3.0');
    const d = await diagnosePaths([dir], { ignore: [] });
    const logs = d.inputs.filter((s) => s.name.endsWith('_db_LOG'));
    expect(logs.map((s) => [s.role, s.hosts])).toEqual([['taskmanager', ['vm']], ['taskmanager', ['vm']]]);
    const rocks = d.unknown.filter((g) => g.sources.some((n) => n.endsWith('_db_LOG')));
    expect(rocks.length).toBeGreaterThan(0);
    expect(rocks.every((g) => g.benign)).toBe(true);
    expect(d.findings.map((f) => f.id)).toContain('rocksdb-localdir-on-shared-fs');
  });

  it('a LOG inside a support bundle archive is read too', async () => {
    const { dir, tm1 } = bundle();
    writeFileSync(join(tm1, 'rocksdb', INSTANCE, 'db', 'LOG'), [...ROCKS_HEAD, LINK_FAILED('/mnt/share/rocksdb')].join('\n') + '\n');
    const out = join(tempDir(), 'bundle.tgz');
    execFileSync('tar', ['-czf', out, '-C', dir, '.']);
    const d = await diagnosePaths([out], { ignore: [] });
    expect(d.inputs.find((s) => s.name.endsWith('/db/LOG'))).toMatchObject({ role: 'taskmanager' });
    expect(d.findings.map((f) => f.id)).toContain('rocksdb-hardlink-unsupported');
  });
});
