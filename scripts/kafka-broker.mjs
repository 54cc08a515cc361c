#!/usr/bin/env node
// A single-node Apache Kafka broker in KRaft mode for the fleet tests, the benchmark and CI.
// The Kafka jars come from Maven Central (mvn dependency:copy-dependencies) into
// ~/.cache/flink-doctor-kafka/<version>/libs, fetched once; the broker listens on 127.0.0.1 only,
// on non-default ports, and keeps its data and log under ~/.cache/flink-doctor-kafka/run-<port>/.
//
//   node scripts/kafka-broker.mjs fetch              download the jars (cached)
//   node scripts/kafka-broker.mjs start              fetch, format and start; waits until it serves
//   node scripts/kafka-broker.mjs stop [--kill]      stop it (SIGTERM, or SIGKILL with --kill)
//   node scripts/kafka-broker.mjs restart [--kill]   stop and start on the same data
//   node scripts/kafka-broker.mjs status             prints "running <pid> 127.0.0.1:<port>" or exits 1
//
// Environment: FLINK_DOCTOR_KAFKA_PORT (19092), FLINK_DOCTOR_KAFKA_CONTROLLER_PORT (port + 1),
// FLINK_DOCTOR_KAFKA_VERSION (4.1.1), FLINK_DOCTOR_KAFKA_CACHE (~/.cache/flink-doctor-kafka).

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

const VERSION = process.env.FLINK_DOCTOR_KAFKA_VERSION ?? '4.1.1';
const LOG4J = '2.24.3';
const PORT = Number(process.env.FLINK_DOCTOR_KAFKA_PORT ?? 19092);
const CONTROLLER_PORT = Number(process.env.FLINK_DOCTOR_KAFKA_CONTROLLER_PORT ?? PORT + 1);
const CACHE = process.env.FLINK_DOCTOR_KAFKA_CACHE ?? join(homedir(), '.cache', 'flink-doctor-kafka');
const LIBS = join(CACHE, VERSION, 'libs');
const RUN = join(CACHE, `run-${PORT}`);
const PID_FILE = join(RUN, 'broker.pid');

function log(msg) {
  process.stderr.write(`kafka-broker: ${msg}\n`);
}

function fail(msg) {
  log(msg);
  process.exit(1);
}

/** Downloads kafka_2.13 and a log4j 2 binding for slf4j with their runtime dependencies. */
function fetchJars() {
  if (existsSync(join(LIBS, '.complete'))) return;
  for (const tool of ['java', 'mvn']) {
    if (spawnSync(tool, ['-version'], { stdio: 'ignore' }).status !== 0) fail(`${tool} is not installed; the broker needs Java 17+ and Maven (Debian: apt-get install default-jre-headless maven)`);
  }
  const work = join(CACHE, VERSION, 'pom');
  mkdirSync(work, { recursive: true });
  writeFileSync(
    join(work, 'pom.xml'),
    `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>flink-doctor</groupId><artifactId>kafka-broker</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>${VERSION}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>${LOG4J}</version></dependency>
    <dependency><groupId>org.apache.logging.log4j</groupId><artifactId>log4j-core</artifactId><version>${LOG4J}</version></dependency>
  </dependencies>
</project>
`,
  );
  log(`fetching Apache Kafka ${VERSION} from Maven Central into ${LIBS}`);
  rmSync(LIBS, { recursive: true, force: true });
  const r = spawnSync('mvn', ['-q', '-B', '-f', join(work, 'pom.xml'), 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${LIBS}`], { stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) fail(`mvn could not fetch the Kafka jars (exit ${r.status})`);
  writeFileSync(join(LIBS, '.complete'), `${VERSION}\n`);
}

function classpath() {
  return readdirSync(LIBS)
    .filter((f) => f.endsWith('.jar'))
    .map((f) => join(LIBS, f))
    .join(':');
}

function runningPid() {
  if (!existsSync(PID_FILE)) return null;
  const pid = Number(readFileSync(PID_FILE, 'utf8').trim());
  if (!pid) return null;
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  // The pid file may outlive the broker and the pid be reused: check that it is a java process.
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmd.includes('kafka.Kafka')) return null;
  } catch {
    /* no /proc: trust the pid */
  }
  return pid;
}

function javaArgs(mainClass, args) {
  return [
    '-Xms64m',
    '-Xmx256m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${join(RUN, 'log4j2.properties')}`,
    `-Dkafka.logs.dir=${RUN}`,
    '-cp',
    classpath(),
    mainClass,
    ...args,
  ];
}

function writeConfig() {
  mkdirSync(RUN, { recursive: true });
  writeFileSync(
    join(RUN, 'server.properties'),
    `process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${CONTROLLER_PORT}
listeners=PLAINTEXT://127.0.0.1:${PORT},CONTROLLER://127.0.0.1:${CONTROLLER_PORT}
advertised.listeners=PLAINTEXT://127.0.0.1:${PORT}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=${join(RUN, 'data')}
num.partitions=4
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
log.cleaner.dedupe.buffer.size=2097152
broker.session.timeout.ms=3000
broker.heartbeat.interval.ms=500
auto.create.topics.enable=true
`,
  );
  writeFileSync(
    join(RUN, 'log4j2.properties'),
    `status = warn
appender.file.type = File
appender.file.name = file
appender.file.fileName = ${join(RUN, 'server.log')}
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = file
logger.kafka.name = kafka
logger.kafka.level = WARN
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
`,
  );
}

function format() {
  if (existsSync(join(RUN, 'data', 'meta.properties'))) return;
  const id = randomBytes(16).toString('base64url').slice(0, 22);
  const r = spawnSync('java', javaArgs('kafka.tools.StorageTool', ['format', '-t', id, '-c', join(RUN, 'server.properties')]), { encoding: 'utf8' });
  if (r.status !== 0) fail(`formatting the storage failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

function portOpen(port) {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** True once the broker answers a metadata request (it accepts connections a little before). */
async function serving() {
  if (!(await portOpen(PORT))) return false;
  try {
    const { Kafka, logLevel } = await import('kafkajs');
    const admin = new Kafka({ brokers: [`127.0.0.1:${PORT}`], logLevel: logLevel.NOTHING, retry: { retries: 0 }, connectionTimeout: 1000 }).admin();
    await admin.connect();
    await admin.describeCluster();
    await admin.disconnect();
    return true;
  } catch {
    return false;
  }
}

async function start() {
  const pid = runningPid();
  if (pid) {
    log(`already running (pid ${pid}) on 127.0.0.1:${PORT}`);
    return;
  }
  if (await portOpen(PORT)) fail(`port ${PORT} is taken by another process; set FLINK_DOCTOR_KAFKA_PORT`);
  fetchJars();
  writeConfig();
  format();
  const out = openSync(join(RUN, 'broker.out'), 'a');
  const child = spawn('java', javaArgs('kafka.Kafka', [join(RUN, 'server.properties')]), { detached: true, stdio: ['ignore', out, out] });
  closeSync(out);
  writeFileSync(PID_FILE, `${child.pid}\n`);
  let exited = null;
  child.once('exit', (code) => (exited = code ?? -1));
  child.unref();
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited !== null) break;
    if (await serving()) {
      log(`running (pid ${child.pid}) on 127.0.0.1:${PORT}, data in ${RUN}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  const tail = (f) => (existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').slice(-5).join('\n') : '');
  try {
    process.kill(child.pid, 'SIGKILL');
  } catch {
    /* gone */
  }
  fail(`the broker did not start${exited !== null ? ` (exit ${exited})` : ' within 90 s'}:\n${tail(join(RUN, 'broker.out'))}\n${tail(join(RUN, 'server.log'))}`);
}

async function stop(kill) {
  const pid = runningPid();
  if (!pid) {
    log('not running');
    return;
  }
  process.kill(pid, kill ? 'SIGKILL' : 'SIGTERM');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      process.kill(pid, 0);
    } catch {
      rmSync(PID_FILE, { force: true });
      log(`stopped (pid ${pid})`);
      return;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  process.kill(pid, 'SIGKILL');
  rmSync(PID_FILE, { force: true });
  log(`killed (pid ${pid}) after 30 s`);
}

const [command, ...rest] = process.argv.slice(2);
const kill = rest.includes('--kill');
switch (command) {
  case 'fetch':
    fetchJars();
    break;
  case 'start':
    await start();
    break;
  case 'stop':
    await stop(kill);
    break;
  case 'restart':
    await stop(kill);
    await start();
    break;
  case 'status': {
    const pid = runningPid();
    if (!pid) {
      console.log('stopped');
      process.exit(1);
    }
    console.log(`running ${pid} 127.0.0.1:${PORT}`);
    break;
  }
  case 'clean':
    await stop(true);
    rmSync(RUN, { recursive: true, force: true });
    break;
  default:
    fail('usage: kafka-broker.mjs fetch|start|stop [--kill]|restart [--kill]|status|clean');
}
