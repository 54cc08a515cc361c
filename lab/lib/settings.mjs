// Configuration shared by the lab's cases, spelled the way users of each Flink version write it.

import { majorOf } from './dist.mjs';

/** Small memory: three JVMs fit on a small machine and start fast. */
export function baseConfig(version, { slots = 2 } = {}) {
  const c = {
    'jobmanager.memory.process.size': '768m',
    'taskmanager.memory.process.size': '1024m',
    'taskmanager.memory.managed.size': '128m',
    'taskmanager.numberOfTaskSlots': slots,
    'parallelism.default': 2,
  };
  if (majorOf(version) >= 2 || version.startsWith('1.20')) c['taskmanager.load-balance.mode'] = 'slots';
  else c['cluster.evenly-spread-out-slots'] = 'true';
  return c;
}

/** State backend and checkpoint storage, with the key names of the version. */
export function stateConfig(version, { backend = 'hashmap', dir, incremental, localdir, savepoints } = {}) {
  const v2 = majorOf(version) >= 2;
  const c = {};
  c['state.backend.type'] = backend;
  if (dir) c[v2 ? 'execution.checkpointing.dir' : 'state.checkpoints.dir'] = dir;
  if (savepoints) c[v2 ? 'execution.checkpointing.savepoint-dir' : 'state.savepoints.dir'] = savepoints;
  if (incremental !== undefined) c[v2 ? 'execution.checkpointing.incremental' : 'state.backend.incremental'] = String(incremental);
  if (localdir) c['state.backend.rocksdb.localdir'] = localdir;
  return c;
}

/** A restart strategy that gives up after a few attempts, so that a failing job ends. */
export function fewRestarts(attempts = 2, delay = '2 s') {
  return { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': attempts, 'restart-strategy.fixed-delay.delay': delay };
}
