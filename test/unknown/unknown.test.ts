// Unknown failures: fingerprints (root cause over wrapper, masked variables, application frames),
// grouping across files, versions and hosts, ranking (rare failure before a restart first, chatty
// and benign noise demoted), the report section in every format, JSON contract, --unknown and
// --redact, `explain` and `patterns new`, and the corpus excerpts when ../shared/corpus exists.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { diagnosePaths } from '../../src/diagnose.js';
import { buildEvent } from '../../src/parse/event.js';
import { REPORTERS, FORMATS } from '../../src/report/index.js';
import { Redactor } from '../../src/redact/redactor.js';
import fc from 'fast-check';
import { fingerprintId, fingerprintParts, maskMessage, normaliseFrame, normaliseMessage } from '../../src/unknown/fingerprint.js';
import { messageRegex } from '../../src/unknown/scaffold.js';
import { cli, tempDir } from '../helpers.js';
import { noisyJobManagerLog, twoTaskManagerLogs, wrapperLog, writeDir } from './fixtures.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')));
const ev = (lines: string[]) => buildEvent(0, 1, lines);

describe('fingerprints', () => {
  it('masks numbers, ids, hex, paths, hosts, pods, IPs and timestamps', () => {
    expect(normaliseMessage('Connection refused: tm-3.prod.acme-corp.com/10.0.0.3:6122')).toBe('Connection refused: <host>/<ip>');
    expect(normaliseMessage('TaskManager with id orders-taskmanager-1-3 is no longer reachable.')).toBe('TaskManager with id <pod> is no longer reachable.');
    expect(normaliseMessage('The heartbeat of TaskManager with id 10.0.0.3:6122-a1b2c3 timed out.')).toBe('The heartbeat of TaskManager with id <ip>-<rid> timed out.');
    expect(normaliseMessage('Failed to read /home/jdoe/data/part-0001.parquet after 12ms via s3a://bucket/x at 2024-03-11 09:16:10,812')).toBe('Failed to read <path> after <n>ms via <uri> at <time>');
    expect(normaliseMessage('slot 0123abcd0123abcd0123abcd0123abcd, Map (3/4)#1, txn 7f3e2a1b0c9d')).toBe('slot <id>, Map (<i>/<n>), txn <hex>');
    // class-like and versioned words stay
    expect(normaliseMessage('kafka010 log4j java.io.IOException')).toBe('kafka010 log4j java.io.IOException');
  });

  it('gives a message whose digits differ from a remembered one the result of masking it afresh', () => {
    // normaliseMessage remembers results by the message with its digits replaced; the texts are
    // built from the pieces the masks react to, and 0x prefixes are among them.
    const pieces = ['0x', '0X', 'x', 'Request ', 'id=', 'a', 'b', 'f', 'Z', '-', ':', '.', '/', ' ', '_', 'job ', 'kafka', '(', ')', '#', '-taskmanager-', '@', '.com', 'T', 'container_', ',', 's3a://b/'];
    const token = fc.oneof(fc.constantFrom(...pieces), fc.nat(99999).map(String), fc.nat(9).map(String));
    fc.assert(
      fc.property(fc.array(token, { maxLength: 24 }), fc.array(fc.nat(9), { minLength: 1, maxLength: 8 }), (tokens, digits) => {
        const text = tokens.join('');
        let k = 0;
        const variant = text.replace(/[0-9]/g, () => String(digits[k++ % digits.length]));
        expect(normaliseMessage(text)).toBe(maskMessage(text));
        expect(normaliseMessage(variant)).toBe(maskMessage(variant));
      }),
      { numRuns: 3000 },
    );
    // One remembered shape serves messages whose numbers vary; a kept digit is never reused.
    expect(normaliseMessage('fetch 0x1f failed after 12 ms')).toBe('fetch <hex> failed after <n> ms');
    expect(normaliseMessage('fetch 7x1f failed after 34 ms')).toBe(maskMessage('fetch 7x1f failed after 34 ms'));
    expect(normaliseMessage('codec kafka010 v3')).toBe('codec kafka010 v3');
    expect(normaliseMessage('codec kafka011 v3')).toBe('codec kafka011 v3');
  });

  it('normalises frames across JDK and Flink versions', () => {
    expect(normaliseFrame('java.base/java.lang.Thread.run(Thread.java:829)')).toBe('java.lang.Thread.run');
    expect(normaliseFrame('app//com.acme.Job$$Lambda$123/0x0000000800c0b0.apply(Unknown Source)')).toBe('com.acme.Job$$Lambda.apply');
    expect(normaliseFrame('com.acme.Foo$1.run(Foo.java:12) ~[job.jar:?]')).toBe('com.acme.Foo$<n>.run');
  });

  it('uses the innermost cause and its application frames, not the wrapper or the plumbing', () => {
    const p = fingerprintParts(
      ev([
        '2024-05-02 10:00:00,000 ERROR x.Y [] - failed',
        'org.apache.flink.runtime.client.JobExecutionException: Job execution failed.',
        '\tat org.apache.flink.runtime.jobmaster.JobResult.toJobExecutionResult(JobResult.java:144)',
        'Caused by: com.acme.FooException: SKU 4711 missing',
        '\tat java.util.HashMap.get(HashMap.java:1)',
        '\tat org.apache.flink.streaming.api.operators.StreamMap.processElement(StreamMap.java:38)',
        '\tat com.acme.Lookup.find(Lookup.java:41)',
        '\tat com.acme.Reserve.map(Reserve.java:29)',
        '\tat com.acme.Reserve$1.call(Reserve.java:30)',
        '\tat com.acme.Extra.more(Extra.java:1)',
      ]),
    );
    expect(p).toEqual({ exception: 'com.acme.FooException', message: 'SKU <n> missing', frames: ['com.acme.Lookup.find', 'com.acme.Reserve.map', 'com.acme.Reserve$<n>.call'] });
  });

  it('a wrapper whose message names the cause stands for that cause', () => {
    const a = fingerprintParts(ev(['java.lang.RuntimeException: com.acme.FooException: SKU 1 missing']));
    const b = fingerprintParts(ev(['com.acme.FooException: SKU 2 missing']));
    expect(a).toEqual(b);
    expect(fingerprintId(a)).toMatch(/^fp-[0-9a-f]{10}$/);
  });

  it('the message regex of a scaffold matches the messages it was made from', () => {
    for (const m of ['Gateway gw-7.payments.acme-corp.com rejected batch 991: HTTP 503', 'Failed to read /data/x/part-1.parquet after 12ms (3/4)', 'List<String> of 3 at 2024-03-11 09:16:10,812 from 10.0.0.1:6123']) {
      expect(new RegExp(messageRegex(normaliseMessage(m))).test(m)).toBe(true);
    }
  });
});

describe('grouping and ranking', () => {
  it('ranks the rare custom failure before a restart first, above chatty, constant and benign noise', async () => {
    const dir = writeDir({ 'flink-standalonesession-0-jm.log': noisyJobManagerLog() });
    const d = await diagnosePaths([dir]);
    const top = d.unknown[0]!;
    expect(top.exception).toBe('com.acme.orders.PaymentGatewayException');
    expect(top.message).toBe('Gateway <host> rejected batch <n>: HTTP <n>');
    expect(top.frames).toEqual(['com.acme.orders.PaymentClient.send', 'com.acme.orders.PaymentClient.lambda$sendAsync$<n>', 'com.acme.orders.EnrichmentFunction.processElement']);
    // the ERROR record and the JobManager's task-failure line with the same trace are one group
    expect(top.count).toBe(2);
    expect(top.nearFailures).toBe(2);
    expect(top.roles).toEqual(['jobmanager']);
    expect(top.reasons.join('; ')).toMatch(/just before a job restart/);
    const chatty = d.unknown.find((g) => g.message.startsWith('Dropped <n> metrics'))!;
    expect(chatty.count).toBeGreaterThan(300);
    expect(chatty.benign).toBe(false);
    expect(chatty.reasons).toContain('steady throughout the log');
    expect(chatty.rank).toBeGreaterThan(2);
    // the one-off ERROR far from any failure ranks between them
    expect(d.unknown[1]!.exception).toBe('java.io.IOException');
    // benign noise ranks after every other group and says why
    const benign = d.unknown.filter((g) => g.benign);
    expect(benign.map((g) => g.reasons.at(-1))).toEqual(expect.arrayContaining(['known background noise (native-hadoop library warning)', 'known background noise (routine Kafka consumer-group rebalance)', 'known background noise (unknown Kafka client property)']));
    const firstBenign = d.unknown.findIndex((g) => g.benign);
    expect(d.unknown.slice(firstBenign).every((g) => g.benign)).toBe(true);
    expect(d.unknown.map((g) => g.rank)).toEqual(d.unknown.map((_, i) => i + 1));
  });

  it('two root causes behind the same JobExecutionException are two groups; a bare wrapper ranks below both', async () => {
    const dir = writeDir({ 'client.log': wrapperLog() });
    const d = await diagnosePaths([dir]);
    const byEx = new Map(d.unknown.map((g) => [g.exception, g]));
    expect(d.unknown.length).toBe(3);
    expect(byEx.get('com.acme.inventory.InventoryMissingException')!.count).toBe(2);
    expect(byEx.get('java.sql.SQLTransientConnectionException')!.count).toBe(1);
    const wrapper = byEx.get('org.apache.flink.runtime.client.JobExecutionException')!;
    expect(wrapper.wrapper).toBe(true);
    expect(wrapper.rank).toBe(3);
  });

  it('the same failure in two files with different hosts, ids and versions is one group', async () => {
    const { a, b } = twoTaskManagerLogs();
    const dir = writeDir({ 'flink-taskexecutor-0-a.log': a, 'flink-taskexecutor-0-b.log': b });
    const d = await diagnosePaths([dir]);
    expect(d.unknown.length).toBe(1);
    const g = d.unknown[0]!;
    expect(g.exception).toBe('com.acme.ledger.LedgerWriteException');
    expect(g.count).toBe(2);
    expect(g.sources.length).toBe(2);
    expect(g.roles).toEqual(['taskmanager']);
    // the id is stable: the same group from one file alone has the same fingerprint
    const one = await diagnosePaths([join(dir, 'flink-taskexecutor-0-b.log')]);
    expect(one.unknown[0]!.fingerprint).toBe(g.fingerprint);
  });
});

describe('report section', () => {
  const dir = writeDir({ 'flink-standalonesession-0-jm.log': noisyJobManagerLog() });

  for (const format of FORMATS) {
    it(`${format}: lists the top groups after the findings, benign ones apart; --unknown 0 hides them`, async () => {
      const r = await cli(['-f', format, '--fail-on', 'none', dir]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('com.acme.orders.PaymentGatewayException');
      expect(r.stdout).toContain('native-hadoop');
      if (format !== 'json') {
        expect(r.stdout).toMatch(/Known background noise/);
        const section = r.stdout.indexOf('PaymentGatewayException');
        expect(section).toBeLessThan(r.stdout.search(/Checkpoint timeline|id="timeline"/));
      }
      const none = await cli(['-f', format, '--fail-on', 'none', '--unknown', '0', dir]);
      expect(none.stdout).not.toContain('PaymentGatewayException');
      expect(none.stdout).not.toContain('native-hadoop');
    });
  }

  it('json: top N in unknown[], all groups counted, valid against the schema', async () => {
    const r = await cli(['-f', 'json', '--fail-on', 'none', '--unknown', '2', dir]);
    const j = JSON.parse(r.stdout);
    expect(validate(j), JSON.stringify(validate.errors)).toBe(true);
    expect(j.unknown.length).toBe(2);
    expect(j.unknownTotal).toBeGreaterThan(5);
    expect(j.unknownBenign).toBeGreaterThanOrEqual(4);
    const g = j.unknown[0];
    expect(Object.keys(g)).toEqual(expect.arrayContaining(['fingerprint', 'exception', 'message', 'count', 'firstSeen', 'lastSeen', 'sources', 'rank', 'roles', 'benign', 'reasons', 'sample']));
    expect(g).toMatchObject({ rank: 1, exception: 'com.acme.orders.PaymentGatewayException', count: 2, firstSeen: '2024-05-02T10:50:00.700', lastSeen: '2024-05-02T10:50:02.100', benign: false });
    // stable across runs
    const again = JSON.parse((await cli(['-f', 'json', '--fail-on', 'none', dir])).stdout);
    expect(again.unknown[0].fingerprint).toBe(g.fingerprint);
    expect(again.unknown.length).toBe(5);
  });

  it('rejects a bad --unknown with exit 2 and one line', async () => {
    const r = await cli(['--unknown', 'many', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('--redact covers the unknown section in every format', async () => {
    const secretDir = writeDir({
      'jm.log': [
        '2024-05-02 10:00:00,000 ERROR com.acme.Sync [] - sync failed',
        'com.acme.SyncException: cannot reach db01.corp.acme-internal.net:5432 as etl_admin@acme-corp.com with password=Hunter2Secret from 10.20.30.40',
        '\tat com.acme.Sync.run(Sync.java:1)',
        '',
      ].join('\n'),
    });
    const secrets = ['db01.corp.acme-internal.net', 'etl_admin@acme-corp.com', 'Hunter2Secret', '10.20.30.40', 'acme-corp.com'];
    for (const format of FORMATS) {
      const plain = await cli(['-f', format, '--fail-on', 'none', secretDir]);
      expect(plain.stdout).toContain('Hunter2Secret');
      const r = await cli(['-f', format, '--redact', '--fail-on', 'none', secretDir]);
      expect(r.stdout).toContain('com.acme.SyncException');
      expect(secrets.filter((s) => r.stdout.includes(s))).toEqual([]);
    }
    // the library path: the redacted Diagnosis keeps no secret in groups, samples, records or occurrences
    const d = new Redactor().redactDiagnosis(await diagnosePaths([secretDir]));
    const text = JSON.stringify(d.unknown);
    expect(secrets.filter((s) => text.includes(s))).toEqual([]);
    for (const format of FORMATS) expect(REPORTERS[format](d, { color: false }).includes('Hunter2Secret')).toBe(false);
  });
});

describe('explain and patterns new', () => {
  const dir = writeDir({ 'flink-standalonesession-0-jm.log': noisyJobManagerLog() });

  it('explain prints every occurrence and the representative trace; an unknown fingerprint exits 2', async () => {
    const fp = JSON.parse((await cli(['-f', 'json', '--fail-on', 'none', dir])).stdout).unknown[0].fingerprint;
    const r = await cli(['explain', fp, dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Occurrences \(2\):/);
    expect(r.stdout).toMatch(/flink-standalonesession-0-jm\.log:\d+\s+2024-05-02T10:50:00\.700/);
    expect(r.stdout).toMatch(/flink-standalonesession-0-jm\.log:\d+\s+2024-05-02T10:50:02\.100/);
    expect(r.stdout).toContain('Caused by: com.acme.orders.PaymentGatewayException: Gateway gw-7.payments.acme-corp.com rejected batch 991: HTTP 503');
    expect(r.stdout).toContain('at com.acme.orders.PaymentClient.send(PaymentClient.java:214)');
    const prefix = await cli(['explain', fp.slice(0, 8), dir]);
    expect(prefix.code).toBe(0);
    const missing = await cli(['explain', 'fp-0000000000', dir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(missing.stderr).toMatch(/fp-0000000000 is not in the input/);
  });

  it('patterns new scaffolds a pattern that loads and fires on its own positive sample', async () => {
    const fp = JSON.parse((await cli(['-f', 'json', '--fail-on', 'none', dir])).stdout).unknown[0].fingerprint;
    const out = tempDir();
    const r = await cli(['patterns', 'new', '--from', fp, '--out', out, dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The pattern matches its positive sample.');
    const id = 'payment-gateway-exception';
    expect(existsSync(join(out, 'patterns', 'custom', `${id}.yaml`))).toBe(true);
    const samples = readdirSync(join(out, 'samples', 'custom', id)).sort();
    expect(samples).toEqual(['expect.yaml', 'near-miss-edit-me.log', `positive-${fp}.log`]);
    expect(readFileSync(join(out, 'samples', 'custom', id, `positive-${fp}.log`), 'utf8')).toContain('Caused by: com.acme.orders.PaymentGatewayException: Gateway gw-7');
    // `patterns test <out>/samples` loads the patterns beside it and passes
    const t = await cli(['patterns', 'test', join(out, 'samples')]);
    expect(t.stdout).toContain(`ok   ${id}/positive-${fp}.log`);
    expect(t.code).toBe(0);
    // lint flags the placeholder near miss
    const lint = await cli(['patterns', 'lint', join(out, 'patterns')]);
    expect(lint.stdout).toMatch(/still the generated placeholder/);
    // the pattern now claims the failure: it is a finding, no longer an unknown group
    const withPattern = JSON.parse((await cli(['-f', 'json', '--fail-on', 'none', '-p', join(out, 'patterns'), dir])).stdout);
    expect(withPattern.findings.map((f: any) => f.id)).toContain(id);
    expect(withPattern.unknown.map((g: any) => g.fingerprint)).not.toContain(fp);
    // an existing file is not overwritten; --id and --area choose the names
    const again = await cli(['patterns', 'new', '--from', fp, '--out', out, dir]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already exists/);
    const named = await cli(['patterns', 'new', '--from', fp, '--out', out, '--id', 'payment-gateway-503', '--area', 'payments', dir]);
    expect(named.code).toBe(0);
    expect(existsSync(join(out, 'patterns', 'payments', 'payment-gateway-503.yaml'))).toBe(true);
    const bad = await cli(['patterns', 'new', '--from', 'fp-0000000000', '--out', out, dir]);
    expect(bad.code).toBe(2);
   }, 120_000);

  it('patterns new --redact writes samples without the hosts of the logs, and the pattern still fires on them', async () => {
    const fp = JSON.parse((await cli(['-f', 'json', '--fail-on', 'none', dir])).stdout).unknown[0].fingerprint;
    const out = tempDir();
    const r = await cli(['patterns', 'new', '--redact', '--from', fp, '--out', out, dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('The pattern matches its positive sample.');
    const written = readdirSync(join(out, 'samples', 'custom', 'payment-gateway-exception')).map((f) => readFileSync(join(out, 'samples', 'custom', 'payment-gateway-exception', f), 'utf8')).join('\n');
    expect(written).toContain('com.acme.orders.PaymentGatewayException');
    expect(written).not.toContain('acme-corp.com');
    expect(readFileSync(join(out, 'patterns', 'custom', 'payment-gateway-exception.yaml'), 'utf8')).not.toContain('acme-corp.com');
  }, 120_000);
});

const CORPUS = join(process.cwd(), '..', 'shared', 'corpus');

describe.skipIf(!existsSync(CORPUS))('corpus excerpts (../shared/corpus)', () => {
  it('006 local-recovery cross-device link is named by its pattern, not left as an unknown group', async () => {
    const d = await diagnosePaths([join(CORPUS, '006-flink-local-recovery-cross-device-link.log')]);
    expect(d.findings.map((f) => f.id)).toEqual(['local-recovery-cross-device']);
    expect(d.unknown.filter((g) => g.message?.includes('Invalid cross-device link'))).toEqual([]);
  });

  // What the healthy excerpts produce: 007, 058, 059, 063 no group at all; 061 only the
  // native-hadoop warning, marked benign.
  for (const [file, expected] of [
    ['007-pika-rocksdb-checkpoint-hard-linking-healthy.log', []],
    ['058-flink-healthy-manual-checkpoint-log4j2.log', []],
    ['059-flink-healthy-kubectl-timestamps.log', []],
    ['061-flink-0.10-mesos-jobmanager-startup-healthy.log', ['native-hadoop library warning']],
    ['063-beam-flink-jul-wrapped-healthy.log', []],
  ] as const) {
    it(`healthy ${file}: no non-benign group`, async () => {
      const d = await diagnosePaths([join(CORPUS, file)]);
      expect(d.unknown.filter((g) => !g.benign)).toEqual([]);
      expect(d.unknown.map((g) => g.reasons.at(-1)?.replace(/^known background noise \((.*)\)$/, '$1'))).toEqual(expected);
    });
  }
});
