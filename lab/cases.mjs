// The lab's cases: each makes one failure (or one healthy run) happen on a real cluster and says
// what flink-doctor must find in the capture.
//
// A case: name, kind (the failure kind of the matrix), config(pre) → configuration entries,
// tmEnv(pre, i) → TaskManager environment, shim (needs the link shim), cluster options,
// run(ctx) → provokes the failure and waits (bounded) for its symptoms, filling ctx.truth,
// expect(ctx) → the capture's expect.yaml.

import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { run, sleep } from './lib/proc.mjs';
import { stateConfig, fewRestarts } from './lib/settings.mjs';

const hostOf = (i) => `127.0.0.${i + 2}`;

/** Failed and completed checkpoint ids of a job, from the REST API's history. */
async function checkpointIds(ctx, job) {
  const h = await ctx.checkpointHistory(job);
  return {
    failed: h.filter((x) => x.status === 'FAILED').map((x) => x.id).sort((a, b) => a - b),
    completed: h.filter((x) => x.status === 'COMPLETED').map((x) => x.id).sort((a, b) => a - b),
  };
}

function hardlinkCase(name, errno, kind, fires, absent) {
  return {
    name, kind, shim: true,
    config: (pre) => ({
      ...stateConfig(pre.version, { backend: 'rocksdb', incremental: true, dir: `file://${pre.work}/mnt/checkpoints`, localdir: `${pre.work}/mnt/checkpoints/job` }),
    }),
    tmEnv: (pre) => ({ LD_PRELOAD: pre.shim, FLINK_LAB_NOLINK_DIR: `${pre.work}/mnt/checkpoints`, FLINK_LAB_NOLINK_ERRNO: errno }),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      ctx.truth.job = job;
      // Either the checkpoints fail (and the job restarts), or RocksDB copies instead of linking and they complete.
      const outcome = await ctx.waitFor('failed or completed checkpoints', async () => {
        const ids = await checkpointIds(ctx, job);
        if (ids.failed.length >= 2) return 'checkpoints failed';
        if (ids.completed.length >= 3) return 'checkpoints completed';
        return null;
      }, 240_000);
      ctx.truth.outcome = outcome;
      ctx.log(`  outcome: ${outcome}`);
      Object.assign(ctx.truth, await checkpointIds(ctx, job));
      ctx.truth.hosts = ctx.taskManagersMatching(/while link file to/).map(hostOf);
    },
    explain: (ctx) => (ctx.truth.outcome === 'checkpoints completed'
      ? [`RocksDB copied the files when link() failed (${errno}), so nothing failed on Flink ${ctx.version}; the failure itself shows on 1.x (--flink 1.20.3) or with rocksdb-hardlink-eperm.`]
      : []),
    expect(ctx) {
      const v2 = ctx.v2;
      const config = ['state.backend.rocksdb.localdir', v2 ? 'execution.checkpointing.dir' : 'state.checkpoints.dir'];
      if (ctx.truth.outcome === 'checkpoints completed') {
        // RocksDB answered the failed link by copying the files: nothing fails, the configuration is still wrong.
        return {
          outcome: ctx.truth.outcome,
          fires: ['rocksdb-localdir-on-shared-fs'],
          absent: [...fires, ...absent],
          finding: { id: 'rocksdb-localdir-on-shared-fs', config },
        };
      }
      return {
        outcome: ctx.truth.outcome,
        fires, absent,
        finding: {
          id: fires[0],
          jobs: [ctx.truth.job],
          checkpoints: ctx.truth.failed,
          hosts: ctx.truth.hosts,
          config,
        },
      };
    },
  };
}

export const CASES = [
  hardlinkCase('rocksdb-hardlink-unsupported', 'EOPNOTSUPP', 'hard-link unsupported (EOPNOTSUPP)', ['rocksdb-hardlink-unsupported'], ['rocksdb-hardlink-failed', 'rocksdb-localdir-deleted']),
  hardlinkCase('rocksdb-hardlink-eperm', 'EPERM', 'hard-link unsupported (EPERM)', ['rocksdb-hardlink-unsupported'], ['rocksdb-hardlink-failed', 'rocksdb-localdir-deleted']),
  {
    name: 'healthy-checkpoints', kind: 'healthy: checkpoints completing',
    config: (pre) => local(pre),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      ctx.truth.job = job;
      await ctx.waitFor('5 completed checkpoints', async () => (await ctx.checkpointCounts(job)).completed >= 5, 240_000);
    },
    expect: () => ({ fires: [], maxSeverity: 'info' }),
  },
];


const local = (pre, extra = {}) => ({
  ...stateConfig(pre.version, { backend: 'rocksdb', incremental: true, dir: `file://${pre.work}/checkpoints`, localdir: `${pre.local}/rocksdb`, savepoints: `file://${pre.work}/savepoints` }),
  ...extra,
});
const hashmap = (pre, extra = {}) => ({
  ...stateConfig(pre.version, { backend: 'hashmap', dir: `file://${pre.work}/checkpoints`, savepoints: `file://${pre.work}/savepoints` }),
  ...extra,
});

/** A case where the job itself does something wrong and then fails. */
function jobFailure(name, kind, fires, options, { config = hashmap, absent = [], extra = {} } = {}) {
  return {
    name, kind, ...extra,
    config: (pre) => ({ ...config(pre), ...fewRestarts(1) }),
    async run(ctx) {
      const job = await ctx.submit(typeof options === 'function' ? options(ctx) : options);
      ctx.truth.job = job;
      // A fatal error (metaspace) ends the TaskManager's JVM: then the job cannot fail over to it.
      await ctx.waitFor(`job ${job} to fail for good`, async () => ctx.cluster.processes.some((p) => p.exited) || ['FAILED'].includes(await ctx.jobState(job)), 240_000);
    },
    // A JVM that dies of its error (metaspace) leaves no line that names the job next to it.
    expect: (ctx) => ({ fires, absent, ...(extra.processesMayExit ? {} : { finding: { id: fires[0], jobs: [ctx.truth.job] } }) }),
  };
}

CASES.push(
  {
    name: 'rocksdb-localdir-on-shared-fs', kind: 'RocksDB local dir under the checkpoint dir (config only)',
    config: (pre) => stateConfig(pre.version, { backend: 'rocksdb', incremental: true, dir: `file://${pre.work}/mnt/checkpoints`, localdir: `${pre.work}/mnt/checkpoints/job` }),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      await ctx.waitFor('3 completed checkpoints', async () => (await ctx.checkpointCounts(job)).completed >= 3, 240_000);
    },
    expect: (ctx) => ({ fires: ['rocksdb-localdir-on-shared-fs'], absent: ['rocksdb-hardlink-unsupported', 'rocksdb-hardlink-failed'], finding: { id: 'rocksdb-localdir-on-shared-fs', config: ['state.backend.rocksdb.localdir'] } }),
  },
  {
    name: 'rocksdb-localdir-deleted', kind: 'RocksDB local dir deleted',
    config: (pre) => local(pre),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      ctx.truth.job = job;
      await ctx.waitFor('2 completed checkpoints', async () => (await ctx.checkpointCounts(job)).completed >= 2, 240_000);
      // What a tmp cleaner does: the instance directories go away under the running job.
      const dir = `${ctx.local}/rocksdb`;
      for (const f of readdirSync(dir)) rmSync(`${dir}/${f}`, { recursive: true, force: true });
      ctx.log('  deleted the RocksDB local directory');
      await ctx.waitFor('a failed checkpoint or a task failure', async () => (await checkpointIds(ctx, job)).failed.length >= 1 || ctx.grep(/switched from state RUNNING to RESTARTING/, 'standalonesession'), 240_000);
    },
    expect: (ctx) => ({ fires: ['rocksdb-localdir-deleted'], absent: ['rocksdb-hardlink-unsupported'], finding: { id: 'rocksdb-localdir-deleted', jobs: [ctx.truth.job] } }),
  },
  {
    name: 'checkpoint-expired', kind: 'checkpoint expired (slow snapshot, short timeout)',
    config: (pre) => hashmap(pre, { 'execution.checkpointing.timeout': '3 s', 'execution.checkpointing.tolerable-failed-checkpoints': 100 }),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000, 'snapshot-sleep': 6000 });
      ctx.truth.job = job;
      await ctx.waitFor('2 failed checkpoints', async () => (await checkpointIds(ctx, job)).failed.length >= 2, 240_000);
    },
    expect: (ctx) => ({ fires: ['checkpoint-expired'], absent: ['checkpoint-tolerable-failures'], finding: { id: 'checkpoint-expired', jobs: [ctx.truth.job] } }),
  },
  {
    name: 'checkpoint-tolerable-failures', kind: 'tolerable checkpoint failures exceeded',
    config: (pre) => hashmap(pre, { 'execution.checkpointing.timeout': '3 s', 'execution.checkpointing.tolerable-failed-checkpoints': 1, ...fewRestarts(1) }),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000, 'snapshot-sleep': 6000 });
      ctx.truth.job = job;
      await ctx.waitFor('the tolerable failure threshold', async () => ctx.grep(/Exceeded checkpoint tolerable failure threshold/), 240_000);
    },
    // The expired checkpoints are the root cause; the exceeded threshold is what followed.
    expect: (ctx) => ({ fires: ['checkpoint-expired', 'checkpoint-tolerable-failures'], finding: { id: 'checkpoint-expired', jobs: [ctx.truth.job] } }),
  },
  jobFailure('heap-oom', 'heap OOM', ['heap-oom'], { mode: 'heap-oom', 'fail-after': 100 }),
  jobFailure('metaspace-oom', 'metaspace OOM', ['metaspace-oom'], { mode: 'metaspace-oom', 'fail-after': 100 }, { config: (pre) => hashmap(pre, { 'taskmanager.memory.jvm-metaspace.size': '128m' }), extra: { processesMayExit: true } }),
  jobFailure('direct-memory-oom', 'direct memory OOM', ['direct-memory-oom'], { mode: 'direct-oom', 'fail-after': 100 }),
  {
    // Flink 2.x submits the stream graph and the JobManager deserializes it (so the submission
    // fails there); 1.x builds the job graph in the client and the TaskManagers fail to load it.
    name: 'user-class-not-found', kind: 'user class not found',
    config: (pre) => ({ ...hashmap(pre), ...fewRestarts(1) }),
    async run(ctx) {
      try {
        ctx.truth.job = await ctx.submit({ mode: 'missing-class', 'extra-jar': ctx.jars.extraJar });
        await ctx.waitFor('the job to fail for good', async () => (await ctx.jobState(ctx.truth.job)) === 'FAILED', 240_000);
      } catch (e) {
        if (!e.status) throw e;
        ctx.truth.rejected = true;
        ctx.log(`  submission rejected: ${e.message.split('\n')[0].slice(0, 160)}`);
      }
      await ctx.waitFor('the failure in the logs', async () => ctx.grep(/ClassNotFoundException: labextra\.PricingRule/), 60_000);
    },
    expect: (ctx) => ({ fires: ['user-class-not-found'], ...(ctx.truth.job ? { finding: { id: 'user-class-not-found', jobs: [ctx.truth.job] } } : {}) }),
  },
  jobFailure('too-many-open-files', 'too many open files (ulimit -n)', ['too-many-open-files'], { mode: 'open-files', 'fail-after': 100 }, { extra: { cluster: { ulimitNofile: 1024 } } }),
  {
    name: 'no-resources', kind: 'no resources (parallelism above the slots)',
    config: (pre) => hashmap(pre, { 'slot.request.timeout': 15000, ...fewRestarts(0) }),
    async run(ctx) {
      const job = await ctx.submit({ parallelism: 6 });
      ctx.truth.job = job;
      await ctx.waitFor(`job ${job} to fail`, async () => ['FAILED'].includes(await ctx.jobState(job)), 240_000);
    },
    expect: (ctx) => ({ fires: ['no-resources'], finding: { id: 'no-resources', jobs: [ctx.truth.job] } }),
  },
  {
    name: 'network-buffers', kind: 'insufficient network buffers',
    cluster: { slots: 4 },
    config: (pre) => hashmap(pre, { 'taskmanager.memory.network.min': '1mb', 'taskmanager.memory.network.max': '1mb', ...fewRestarts(0) }),
    async run(ctx) {
      const job = await ctx.submit({ parallelism: 8 });
      ctx.truth.job = job;
      await ctx.waitFor(`job ${job} to fail`, async () => ['FAILED'].includes(await ctx.jobState(job)), 240_000);
    },
    expect: (ctx) => ({ fires: ['network-buffers'], finding: { id: 'network-buffers', jobs: [ctx.truth.job] } }),
  },
  {
    name: 'tm-lost-kill9', kind: 'TaskManager lost (kill -9)', processesMayExit: true,
    config: (pre) => hashmap(pre, { 'heartbeat.interval': 2000, 'heartbeat.timeout': 15000 }),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      ctx.truth.job = job;
      await ctx.waitFor('a completed checkpoint', async () => (await ctx.checkpointCounts(job)).completed >= 1, 240_000);
      ctx.cluster.signal('taskexecutor', 1, 'SIGKILL');
      ctx.log('  killed TaskManager 1 with SIGKILL');
      await ctx.waitFor('the JobManager to notice', async () => ctx.grep(/no longer reachable|[Hh]eartbeat of TaskManager|Connection refused|unexpectedly closed|disassociated/i, 'standalonesession') && ctx.grep(/switched from state RUNNING to RESTARTING/, 'standalonesession'), 240_000);
    },
    // The TaskManager that saw the connection close is named; the lost one only inside the message.
    // Tasks deployed to the killed TaskManager before it is declared lost fail with RecipientUnreachableException.
    expect: () => ({ fires: ['tm-heartbeat-timeout', 'rpc-recipient-unreachable'] }),
  },
  {
    name: 'tm-heartbeat-timeout', kind: 'TaskManager heartbeat timeout (SIGSTOP)',
    config: (pre) => hashmap(pre, { 'heartbeat.interval': 2000, 'heartbeat.timeout': 10000 }),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      ctx.truth.job = job;
      await ctx.waitFor('a completed checkpoint', async () => (await ctx.checkpointCounts(job)).completed >= 1, 240_000);
      ctx.cluster.signal('taskexecutor', 1, 'SIGSTOP');
      ctx.log('  stopped TaskManager 1 with SIGSTOP');
      await ctx.waitFor('the heartbeat timeout', async () => ctx.grep(/[Hh]eartbeat of TaskManager .*timed out|TaskManager .* is no longer reachable/, 'standalonesession'), 120_000);
      await sleep(5000);
      ctx.cluster.signal('taskexecutor', 1, 'SIGCONT');
    },
    expect: () => ({ fires: ['tm-heartbeat-timeout'], finding: { id: 'tm-heartbeat-timeout', hosts: [hostOf(1)] } }),
  },
  {
    name: 'serialization', kind: 'serialization failure (function not serializable)',
    config: (pre) => hashmap(pre),
    async run(ctx) {
      try {
        ctx.truth.job = await ctx.submit({ mode: 'not-serializable' });
      } catch (e) {
        ctx.truth.rejected = e.message.split('\n')[0].slice(0, 300);
        ctx.log(`  submission rejected: ${ctx.truth.rejected.slice(0, 160)}`);
      }
      await ctx.waitFor('the failure in the JobManager log', async () => ctx.grep(/not serializable|NotSerializableException/, 'standalonesession'), 60_000);
    },
    expect: () => ({ fires: ['serialization'] }),
  },
  {
    name: 'state-restore-mismatch', kind: 'state restore mismatch (savepoint into a changed job)',
    config: (pre) => hashmap(pre),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      await ctx.waitFor('a completed checkpoint', async () => (await ctx.checkpointCounts(job)).completed >= 1, 240_000);
      const sp = await ctx.rest.savepoint(job, `file://${ctx.work}/savepoints`, { stop: true });
      if (!sp.location) throw new Error(`stop-with-savepoint failed: ${sp.failure}`);
      ctx.log(`  savepoint ${sp.location}`);
      ctx.truth.savepoint = sp.location;
      try {
        ctx.truth.job = await ctx.submit({ 'checkpoint-interval': 2000, uid: 'counter-v2' }, { savepointPath: sp.location, allowNonRestoredState: false });
        await ctx.waitFor('the restore to fail', async () => ctx.grep(/Cannot map (?:checkpoint\/)?savepoint state/), 120_000);
      } catch (e) {
        ctx.log(`  submission rejected: ${e.message.split('\n')[0].slice(0, 160)}`);
      }
      await ctx.waitFor('the failure in the logs', async () => ctx.grep(/Cannot map (?:checkpoint\/)?savepoint state/), 60_000);
    },
    expect: () => ({ fires: ['state-restore-mismatch'] }),
  },
  {
    name: 'fs-scheme-missing', kind: 'file system scheme missing (s3:// without the plugin)',
    config: (pre) => stateConfig(pre.version, { backend: 'hashmap', dir: 's3://lab-bucket/flink/checkpoints' }),
    async run(ctx) {
      try {
        ctx.truth.job = await ctx.submit({ 'checkpoint-interval': 2000 });
        await ctx.waitFor('the job to fail', async () => ['FAILED'].includes(await ctx.jobState(ctx.truth.job)) || ctx.grep(/file system implementation for scheme 's3'/), 120_000);
      } catch (e) {
        ctx.log(`  submission rejected: ${e.message.split('\n')[0].slice(0, 160)}`);
      }
      await ctx.waitFor('the failure in the logs', async () => ctx.grep(/scheme 's3'|scheme s3/), 60_000);
    },
    expect: () => ({ fires: ['fs-scheme-missing'] }),
  },
  {
    name: 'checkpoint-storage-read-only', kind: 'checkpoint storage not writable (read-only mount)',
    async prepare(pre) {
      mkdirSync(`${pre.work}/ro`, { recursive: true });
      const r = await run('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', `${pre.work}/ro`]);
      if (r.code !== 0) throw new Error(`this case needs to mount a read-only tmpfs (root): ${r.stderr.trim()}`);
    },
    async cleanup(pre) { await run('umount', [`${pre.work}/ro`]); },
    config: (pre) => ({ ...stateConfig(pre.version, { backend: 'hashmap', dir: `file://${pre.work}/ro/checkpoints` }), ...fewRestarts(1) }),
    async run(ctx) {
      try {
        ctx.truth.job = await ctx.submit({ 'checkpoint-interval': 2000 });
        await ctx.waitFor('a failure', async () => ['FAILED'].includes(await ctx.jobState(ctx.truth.job)) || (await checkpointIds(ctx, ctx.truth.job)).failed.length >= 2, 120_000);
      } catch (e) {
        ctx.log(`  submission rejected: ${e.message.split('\n')[0].slice(0, 160)}`);
      }
      await ctx.waitFor('the failure in the logs', async () => ctx.grep(/Read-only file system|Failed to create directory for/), 60_000);
    },
    expect: () => ({ fires: ['checkpoint-storage-permission'] }),
  },
  {
    name: 'healthy-stop-with-savepoint', kind: 'healthy: stop with savepoint',
    config: (pre) => local(pre),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      await ctx.waitFor('2 completed checkpoints', async () => (await ctx.checkpointCounts(job)).completed >= 2, 240_000);
      const sp = await ctx.rest.savepoint(job, `file://${ctx.work}/savepoints`, { stop: true });
      if (!sp.location) throw new Error(`stop-with-savepoint failed: ${sp.failure}`);
      await ctx.waitFor('the job to finish', async () => (await ctx.jobState(job)) === 'FINISHED', 60_000);
    },
    expect: () => ({ fires: [], maxSeverity: 'info' }),
  },
  {
    name: 'healthy-cancel', kind: 'healthy: cancel',
    config: (pre) => hashmap(pre),
    async run(ctx) {
      const job = await ctx.submit({ 'checkpoint-interval': 2000 });
      await ctx.waitFor('2 completed checkpoints', async () => (await ctx.checkpointCounts(job)).completed >= 2, 240_000);
      await ctx.rest.cancel(job);
      await ctx.waitFor('the job to be canceled', async () => (await ctx.jobState(job)) === 'CANCELED', 60_000);
    },
    expect: () => ({ fires: [], maxSeverity: 'info' }),
  },
);

export function findCase(name) {
  return CASES.find((c) => c.name === name);
}
