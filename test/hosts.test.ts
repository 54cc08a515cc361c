// Host names: what a log file's name, a source's names and a RocksDB LOG's place say about hosts.

import { describe, expect, it } from 'vitest';
import { attributeRocksDbLogs, mergeHosts, shareHostsOfOneProcess } from '../src/hosts.js';
import { isRocksDbLog } from '../src/detect/extract.js';
import { hintsFromFileName } from '../src/detect/extract.js';
import type { SourceInfo } from '../src/model.js';

const source = (name: string, hosts: string[], resourceIds: string[] = [], role: SourceInfo['role'] = 'taskmanager'): SourceInfo =>
  ({ name, kind: 'log', role, roleReason: null, flinkVersion: null, entrypoint: null, hosts, resourceIds, bytes: 1, lines: 1, gzip: false }) as SourceInfo;

describe('host names from log file names', () => {
  it("Flink's own naming gives the machine's host name, true as it is", () => {
    expect(hintsFromFileName('/logs/flink-root-taskexecutor-0-vm.log')).toEqual({ role: 'taskmanager', host: 'vm' });
    expect(hintsFromFileName('flink-flink-standalonesession-1-worker-7.acme.local.log.3')).toEqual({ role: 'jobmanager', host: 'worker-7.acme.local' });
    expect(hintsFromFileName('flink-svc-flink-taskexecutor-2-node-3.out')).toEqual({ role: 'taskmanager', host: 'node-3' });
  });
  it('near misses: names without Flink\'s pattern name no host', () => {
    expect(hintsFromFileName('taskmanager-vm.log')).toEqual({ role: 'taskmanager', host: null });
    expect(hintsFromFileName('flink-root-taskexecutor-vm.log').host).toBeNull();
  });
  it("the file's own name decides the role before the folders it is in", () => {
    expect(hintsFromFileName('logs/tm-heartbeat-timeout/jobmanager.log').role).toBe('jobmanager');
    expect(hintsFromFileName('/bundle/jobmanager-logs/taskmanager-2.log').role).toBe('taskmanager');
    expect(hintsFromFileName('/bundle/taskmanager-logs/container_01_000002.log').role).toBe('taskmanager');
    expect(hintsFromFileName('/bundle/logs/container_01_000002.log').role).toBeNull();
  });
});

describe('mergeHosts', () => {
  it('several TaskManagers on one machine: each is told by its address, the machine name after it', () => {
    const tm0 = source('flink-root-taskexecutor-0-vm.log', ['127.0.0.2', 'vm'], ['127.0.0.2:35000-5b1c2d']);
    const tm1 = source('flink-root-taskexecutor-1-vm.log', ['127.0.0.3', 'vm'], ['127.0.0.3:35001-6c2d3e']);
    expect(mergeHosts(['127.0.0.2', 'vm', '127.0.0.3'], [tm0, tm1]).map((h) => h.label)).toEqual(['127.0.0.2 (vm)', '127.0.0.3 (vm)']);
  });
  it('one TaskManager per machine keeps its name first', () => {
    const tm0 = source('a.log', ['10.0.0.2', 'worker1'], ['10.0.0.2:6122-a1b2c3']);
    const tm1 = source('b.log', ['10.0.0.3', 'worker2']);
    expect(mergeHosts(['10.0.0.2', 'worker1', '10.0.0.3', 'worker2'], [tm0, tm1]).map((h) => h.label)).toEqual(['worker1 (10.0.0.2)', 'worker2 (10.0.0.3)']);
  });
  it('logs of several TaskManagers in one source (concatenated on stdin) are not one process', () => {
    const cat = source('<stdin>', ['127.0.0.2', '127.0.0.3', 'vm'], ['127.0.0.2:34501-cdf38e', '127.0.0.3:34173-3ab8b4']);
    expect(mergeHosts(['127.0.0.2', '127.0.0.3', 'vm'], [cat]).map((h) => h.label)).toEqual(['127.0.0.2', '127.0.0.3', 'vm']);
  });
  it('a host name of hex letters is a name, not an IPv6 address', () => {
    const tm = source('a.log', ['10.0.0.2', 'cafe']);
    expect(mergeHosts(['10.0.0.2', 'cafe'], [tm]).map((h) => h.label)).toEqual(['cafe (10.0.0.2)']);
    const v6 = source('b.log', ['fe80::1', 'db']);
    expect(mergeHosts(['fe80::1', 'db'], [v6]).map((h) => h.label)).toEqual(['db (fe80::1)']);
  });
});

describe('RocksDB LOG sources', () => {
  it('names', () => {
    for (const n of ['/x/db/LOG', 'LOG.old.1714564800123456', 'bundle.tgz!tm/db/LOG', '/log/tmp_job_x_op_y_db_LOG', '/log/tmp_db_LOG.old.17']) expect(isRocksDbLog(n), n).toBe(true);
    for (const n of ['/x/CATALOG', '/x/LOGS', '/x/LOG.bak', '/x/db/log.txt']) expect(isRocksDbLog(n), n).toBe(false);
  });
  it('take the hosts of the nearest TaskManager log above them, when it is one process', () => {
    const tm1 = source('/b/tm-1/flink-root-taskexecutor-0-w1.log', ['w1']);
    const tm2 = source('/b/tm-2/flink-root-taskexecutor-0-w2.log', ['w2']);
    const jm = source('/b/tm-1/jm.log', ['m1'], [], 'jobmanager');
    const near = source('/b/tm-1/rocksdb/job_a_op_b/db/LOG', []);
    const top = source('/b/LOG', []);
    const named = source('/b/tm-2/x/db/LOG', ['rocks-host']);
    attributeRocksDbLogs([tm1, tm2, jm, near, top, named]);
    expect(near.hosts).toEqual(['w1']);
    expect(top.hosts).toEqual([]);
    expect(named.hosts).toEqual(['rocks-host']);
  });
});

describe('files of one process', () => {
  it('a .out file shares the hosts of the .log of the same process; the machine name alone is no one process', () => {
    const log0 = source('/l/flink-root-taskexecutor-0-vm.log', ['127.0.0.2', 'vm'], ['127.0.0.2:35000-5b1c2d']);
    const out0 = source('/l/flink-root-taskexecutor-0-vm.out', ['vm']);
    const log1 = source('/l/flink-root-taskexecutor-1-vm.log', ['127.0.0.3', 'vm'], ['127.0.0.3:35001-6c2d3e']);
    const out1 = source('/l/flink-root-taskexecutor-1-vm.out', ['vm']);
    const other = source('/other/flink-root-taskexecutor-0-vm.out', ['vm']);
    // Before sharing, the .out's lone machine name belongs to neither TaskManager.
    expect(mergeHosts(['vm'], [log0, out0, log1, out1]).map((h) => h.label)).toEqual(['vm']);
    shareHostsOfOneProcess([log0, out0, log1, out1, other]);
    expect(out0.hosts).toEqual(['vm', '127.0.0.2']);
    expect(out1.hosts).toEqual(['vm', '127.0.0.3']);
    expect(other.hosts).toEqual(['vm']);
    const all = [log0, out0, log1, out1];
    expect(mergeHosts(out0.hosts, all).map((h) => h.label)).toEqual(['127.0.0.2 (vm)']);
    expect(mergeHosts(['vm', '127.0.0.2', '127.0.0.3'], all).map((h) => h.label)).toEqual(['127.0.0.2 (vm)', '127.0.0.3 (vm)']);
  });
});
