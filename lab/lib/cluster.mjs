// A standalone Flink session cluster started without Flink's shell scripts: one JobManager
// (StandaloneSessionClusterEntrypoint) and N TaskManagers (TaskManagerRunner), each a JVM in its
// own process group, with the JVM memory arguments computed by BashJavaUtils as bin/config.sh
// does, Flink's own log4j layout and the log/.out file names of bin/flink-daemon.sh.
//
// Reusable: startCluster() returns a handle with the REST URL, the processes and stop(); a
// cluster left running (--keep) is recorded in <cache>/clusters/ so that stopClusters() ends it.

import { openSync, closeSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cacheRoot, flinkClasspath, majorOf } from './dist.mjs';
import { alive, run, sleep, stopGroup } from './proc.mjs';
import { Rest } from './rest.mjs';

// Flink's conf/log4j.properties as distributed (a rolling file appender with Flink's layout).
export const LOG4J_PROPERTIES = `monitorInterval=30
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.akka.name = akka
logger.akka.level = INFO
logger.kafka.name= org.apache.kafka
logger.kafka.level = INFO
logger.hadoop.name = org.apache.hadoop
logger.hadoop.level = WARN
logger.zookeeper.name = org.apache.zookeeper
logger.zookeeper.level = INFO
logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.shaded_zookeeper.level = INFO
appender.main.name = MainAppender
appender.main.type = RollingFile
appender.main.append = true
appender.main.fileName = \${sys:log.file}
appender.main.filePattern = \${sys:log.file}.%i
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
appender.main.policies.type = Policies
appender.main.policies.size.type = SizeBasedTriggeringPolicy
appender.main.policies.size.size = 100MB
appender.main.policies.startup.type = OnStartupTriggeringPolicy
appender.main.strategy.type = DefaultRolloverStrategy
appender.main.strategy.max = \${env:MAX_LOG_FILE_NUMBER:-10}
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
`;

/** JVM flags that make three JVMs start quickly on a small, busy machine (like JVM_ARGS). */
const LAB_JVM_ARGS = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xss512k'];

/** The env.java.opts.all of the distribution's default configuration (the Java 17 --add-opens). */
export async function defaultJavaOpts(home, version) {
  const dist = readdirSync(join(home, 'lib')).find((f) => f.startsWith('flink-dist'));
  for (const name of ['config.yaml', 'flink-conf.yaml']) {
    const r = await run('unzip', ['-p', join(home, 'lib', dist), name], { timeoutMs: 60_000 });
    if (r.code !== 0 || !r.stdout) continue;
    const m = r.stdout.match(/^\s*all:\s*(--add-\S.*)$/m) || r.stdout.match(/^env\.java\.opts\.all:\s*(.*)$/m);
    if (m) return m[1].trim();
  }
  if (majorOf(version) >= 2 || version.startsWith('1.19') || version.startsWith('1.20')) throw new Error(`no env.java.opts.all in ${dist}`);
  return '';
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export function portFree(port) {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** Writes the configuration file the way a user of this version would: flink-conf.yaml for 1.x, config.yaml for 2.x. */
export function writeConfig(confDir, version, entries, comments = []) {
  mkdirSync(confDir, { recursive: true });
  const name = majorOf(version) >= 2 ? 'config.yaml' : 'flink-conf.yaml';
  const lines = [...comments.map((c) => `# ${c}`), ...Object.entries(entries).map(([k, v]) => `${k}: ${v}`)];
  writeFileSync(join(confDir, name), lines.join('\n') + '\n');
  writeFileSync(join(confDir, 'log4j.properties'), LOG4J_PROPERTIES);
  return join(confDir, name);
}

async function resourceParams(home, confDir, which, env) {
  const cp = `${flinkClasspath(home)}:${join(home, 'bin', 'bash-java-utils.jar')}`;
  const r = await run('java', ['-Xmx128m', ...LAB_JVM_ARGS, '-classpath', cp, 'org.apache.flink.runtime.util.bash.BashJavaUtils', which, '--configDir', confDir],
    { timeoutMs: 180_000, env });
  const results = (r.stdout + '\n' + r.stderr).split('\n').filter((l) => l.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:')).map((l) => l.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
  if (r.code !== 0 || results.length === 0) throw new Error(`BashJavaUtils ${which} failed: ${(r.stdout + r.stderr).trim().split('\n').slice(-5).join(' | ')}`);
  const dyn = (results[1] ?? '').split(/\s+/).filter(Boolean);
  return { jvm: results[0].split(/\s+/).filter(Boolean), dynamic: dyn };
}

function registryDir() {
  return join(cacheRoot(), 'clusters');
}

/**
 * Starts a cluster. options:
 *  home, version      the distribution (from ensureDistribution)
 *  dir                working directory: conf/, log/, and whatever the case puts there
 *  config             flat configuration entries (written to conf/ with the cluster's ports)
 *  restPort           REST port (default 8081)
 *  taskManagers       number of TaskManagers (default 2)
 *  tmEnv(i)           extra environment of TaskManager i (e.g. LD_PRELOAD)
 *  tmUlimitNofile     open-file limit of the TaskManagers
 *  readyTimeoutMs     how long to wait for all TaskManagers to register
 */
export async function startCluster(options) {
  const { home, version, dir, restPort = 8081, taskManagers = 2, tmEnv = () => ({}), tmUlimitNofile, readyTimeoutMs = 240_000, log = console.log, comments = [] } = options;
  const confDir = join(dir, 'conf');
  const logDir = join(dir, 'log');
  mkdirSync(logDir, { recursive: true });
  if (!(await portFree(restPort))) throw new Error(`port ${restPort} is in use (another Flink cluster? \`npm run lab -- stop\` ends the lab's own); choose another with --port`);
  const rpcPort = await freePort();
  const javaOpts = await defaultJavaOpts(home, version);
  const config = {
    'jobmanager.rpc.address': 'localhost',
    'jobmanager.rpc.port': rpcPort,
    'jobmanager.bind-host': 'localhost',
    'rest.address': 'localhost',
    'rest.bind-address': 'localhost',
    'rest.port': restPort,
    ...options.config,
  };
  if (javaOpts && !config['env.java.opts.all']) config['env.java.opts.all'] = javaOpts;
  const configFile = writeConfig(confDir, version, config, comments);
  const user = userInfo().username;
  const host = hostname();
  const cp = flinkClasspath(home);
  const baseEnv = { ...process.env, FLINK_CONF_DIR: confDir, FLINK_HOME: home, FLINK_LIB_DIR: join(home, 'lib'), FLINK_OPT_DIR: join(home, 'opt'), FLINK_PLUGINS_DIR: join(home, 'plugins'), FLINK_BIN_DIR: join(home, 'bin'), FLINK_LOG_DIR: logDir };
  delete baseEnv.LD_PRELOAD;
  const splitOpts = (v) => (v ? String(v).split(/\s+/).filter(Boolean) : []);
  const processes = [];

  const launch = (role, index, main, res, extraArgs, env, ulimit) => {
    const name = `flink-${user}-${role}-${index}-${host}`;
    const logFile = join(logDir, `${name}.log`);
    const outFile = join(logDir, `${name}.out`);
    const roleOpts = role === 'standalonesession' ? config['env.java.opts.jobmanager'] : config['env.java.opts.taskmanager'];
    const args = [...res.jvm, ...LAB_JVM_ARGS, ...splitOpts(config['env.java.opts.all']), ...splitOpts(roleOpts),
      `-Dlog.file=${logFile}`, `-Dlog4j.configuration=file:${join(confDir, 'log4j.properties')}`,
      `-Dlog4j.configurationFile=file:${join(confDir, 'log4j.properties')}`, `-Dlogback.configurationFile=file:${join(confDir, 'logback.xml')}`,
      '-classpath', cp, main, '--configDir', confDir, ...extraArgs, ...res.dynamic];
    const fd = openSync(outFile, 'a');
    const cmd = ulimit ? 'bash' : 'java';
    const argv = ulimit ? ['-c', `ulimit -n ${ulimit} && exec java "$@"`, 'java', ...args] : args;
    const child = spawn(cmd, argv, { env, cwd: dir, detached: true, stdio: ['ignore', fd, fd] });
    closeSync(fd);
    child.on('error', () => {});
    child.unref();
    const p = { role, index, pid: child.pid, logFile, outFile, child, exited: null };
    child.on('exit', (code, signal) => { p.exited = { code, signal }; });
    processes.push(p);
    return p;
  };

  const cluster = {
    version, home, dir, confDir, logDir, configFile, restPort, restUrl: `http://localhost:${restPort}`, processes, host, user,
    rest: new Rest(`http://localhost:${restPort}`),
    stop: async () => {
      await Promise.all(processes.map((p) => stopGroup(p.pid)));
      rmSync(join(registryDir(), `${processes[0]?.pid}.json`), { force: true });
    },
    signal: (role, index, sig) => {
      const p = processes.find((q) => q.role === role && q.index === index);
      if (p) process.kill(-p.pid, sig);
      return p;
    },
    taskManager: (i) => processes.find((q) => q.role === 'taskexecutor' && q.index === i),
  };

  try {
    const jmRes = await resourceParams(home, confDir, 'GET_JM_RESOURCE_PARAMS', baseEnv);
    const jm = launch('standalonesession', 0, 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint', jmRes, ['--executionMode', 'cluster'], baseEnv);
    mkdirSync(registryDir(), { recursive: true });
    const record = () => writeFileSync(join(registryDir(), `${jm.pid}.json`), JSON.stringify({ restUrl: cluster.restUrl, dir, version, pids: processes.map((p) => p.pid) }, null, 2));
    record();
    const tmRes = await resourceParams(home, confDir, 'GET_TM_RESOURCE_PARAMS', baseEnv);
    for (let i = 0; i < taskManagers; i++) {
      const tmHost = `127.0.0.${i + 2}`;
      const perTm = { ...tmRes, dynamic: [...tmRes.dynamic, '-D', `taskmanager.host=${tmHost}`, '-D', `taskmanager.bind-host=${tmHost}`] };
      launch('taskexecutor', i, 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner', perTm, [], { ...baseEnv, ...tmEnv(i) }, tmUlimitNofile);
    }
    record();
    await waitReady(cluster, taskManagers, readyTimeoutMs);
    return cluster;
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}

async function waitReady(cluster, taskManagers, timeoutMs) {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    const dead = cluster.processes.find((p) => p.exited);
    if (dead) throw new Error(`${dead.role}-${dead.index} exited during start (${JSON.stringify(dead.exited)}); see ${dead.logFile} and ${dead.outFile}`);
    try {
      const o = await cluster.rest.overview();
      last = `${o.taskmanagers} TaskManagers, ${o['slots-total']} slots`;
      if (o.taskmanagers >= taskManagers) return o;
    } catch (e) { last = e.message; }
    await sleep(1000);
  }
  throw new Error(`cluster not ready after ${Math.round(timeoutMs / 1000)} s (${last}); logs in ${cluster.logDir}`);
}

/** Stops every cluster the lab left running (recorded in <cache>/clusters). Returns how many. */
export async function stopClusters(log = console.log) {
  const dir = registryDir();
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    let rec;
    try { rec = JSON.parse(readFileSync(join(dir, f), 'utf8')); } catch { rmSync(join(dir, f), { force: true }); continue; }
    const live = rec.pids.filter((p) => alive(-p));
    if (live.length) {
      log(`stopping the cluster at ${rec.restUrl} (Flink ${rec.version}, ${rec.dir})`);
      await Promise.all(live.map((p) => stopGroup(p)));
      n++;
    }
    rmSync(join(dir, f), { force: true });
  }
  return n;
}
