// The matching layer's normalisation: wrapped lines joined, split words put together, bare
// error lines read as problems, container prefixes with a tab stripped; and end to end, a
// failure pasted in these shapes is still named, and one no pattern knows still surfaces.

import { describe, expect, it } from 'vitest';
import { joinSplitWords, normaliseEvent, unwrap, vocabularyOf } from '../../src/parse/normalise.js';
import { buildEvent } from '../../src/parse/event.js';
import { stripContainerPrefix } from '../../src/parse/line.js';
import { isProblemEvent } from '../../src/unknown/groups.js';
import { diagnose } from '../../src/diagnose.js';

const vocab = vocabularyOf(['while link file to (?<t>[^:\\n]+): (?<errno>Not supported|Operation not supported)', 'No locks available']);

async function stdin(text: string) {
  return diagnose([{ name: '<stdin>', kind: 'log', open: async function* () { yield Buffer.from(text); } }]);
}

describe('normalisation', () => {
  it('joins a message wrapped between two letters with a space, elsewhere without one', () => {
    expect(unwrap('while link\nfile to /a/b/\n000012.sst: x')).toBe('while link file to /a/b/000012.sst: x');
    expect(unwrap('no break')).toBe('no break');
    expect(unwrap('a  \n\n   b')).toBe('a b');
  });

  it('puts a word split by a space together only when the joined word is one the patterns use', () => {
    expect(joinSplitWords('Operation not sup ported', vocab)).toBe('Operation not supported');
    expect(joinSplitWords('No locks avail able', vocab)).toBe('No locks available');
    expect(joinSplitWords('Operation not supported', vocab)).toBe('Operation not supported');
    // "link file" joined would be "linkfile", not a word of the patterns.
    expect(joinSplitWords('while link file to', vocab)).toBe('while link file to');
  });

  it('runs in linear time on long texts', () => {
    const t = 'ab '.repeat(200_000) + '\n'.repeat(200_000);
    const start = performance.now();
    joinSplitWords(unwrap(t), vocab);
    expect(performance.now() - start).toBeLessThan(2000);
  });

  it('gives an event a joined line for a message wrapped over two lines, and nothing when there is nothing to undo', () => {
    const e = buildEvent(0, 1, ['org.rocksdb.RocksDBException: while link', 'file to /x/chk-1.tmp/1.sst: /x/db/1.sst: Not supported']);
    const n = normaliseEvent(e, vocab)!;
    expect(n.lines).toContain('org.rocksdb.RocksDBException: while link file to /x/chk-1.tmp/1.sst: /x/db/1.sst: Not supported');
    expect(normaliseEvent(buildEvent(0, 1, ['java.io.IOException: plain']), vocab)).toBeNull();
  });

  it('reads bare error lines without header or level as problems', () => {
    expect(isProblemEvent(buildEvent(0, 1, ['IO error: something odd happened on /data/x']))).toBe(true);
    expect(isProblemEvent(buildEvent(0, 1, ['RocksDBException: bad thing']))).toBe(true);
    expect(isProblemEvent(buildEvent(0, 1, ['just a line of text']))).toBe(false);
  });

  it('strips a container name followed by a tab', () => {
    expect(stripContainerPrefix('flink-tm-1\t2024-03-11 09:16:10,812 ERROR x - y')).toBe('2024-03-11 09:16:10,812 ERROR x - y');
    expect(stripContainerPrefix('flink-tm-1\t\tat a.B.c(B.java:1)')).toBe('\tat a.B.c(B.java:1)');
    expect(stripContainerPrefix('name\tvalue')).toBe('name\tvalue');
  });
});

describe('end to end on pasted fragments', () => {
  it('keeps the first line of a fragment that starts inside a trace as a frame', () => {
    const e = buildEvent(0, 1, ['\tat org.apache.flink.client.cli.CliFrontend.loadCustomCommandLines(CliFrontend.java:1192)', '\tat org.apache.flink.client.cli.CliFrontend.main(CliFrontend.java:1118)', 'Caused by: java.lang.ClassNotFoundException: org.apache.hadoop.conf.Configuration']);
    expect(e.frames).toEqual(['org.apache.flink.client.cli.CliFrontend.loadCustomCommandLines(CliFrontend.java:1192)', 'org.apache.flink.client.cli.CliFrontend.main(CliFrontend.java:1118)']);
    expect(e.chain.map((c) => c.cls)).toEqual(['java.lang.ClassNotFoundException']);
  });

  it('does not take the client probing for the YARN command line, cut above its header, for missing Hadoop', async () => {
    const d = await stdin(
      '\tat org.apache.flink.client.cli.CliFrontend.loadCustomCommandLines(CliFrontend.java:1192)\n' +
        '\tat org.apache.flink.client.cli.CliFrontend.main(CliFrontend.java:1118)\n' +
        'Caused by: java.lang.ClassNotFoundException: org.apache.hadoop.conf.Configuration\n' +
        '\tat java.net.URLClassLoader.findClass(URLClassLoader.java:382)\n',
    );
    expect(d.findings.map((f) => f.id)).not.toContain('hadoop-classes-missing');
  });

  it('names a hard-link failure whose message a tracker wrapped inside a word gap, with the log line as evidence', async () => {
    const d = await stdin(
      '2024-05-02 10:41:07,118 WARN  org.apache.flink.runtime.taskmanager.Task [] - Map (1/1) switched from RUNNING to FAILED.\n' +
        'org.rocksdb.RocksDBException: while link\n' +
        'file to /mnt/share/job/chk-3.tmp/000012.sst: /mnt/share/job/db/000012.sst: Operation not supported\n' +
        '\tat org.rocksdb.Checkpoint.createCheckpoint(Native Method)\n',
    );
    const f = d.findings.find((x) => x.id === 'rocksdb-hardlink-unsupported');
    expect(f).toBeDefined();
    expect(f!.evidence[0]!.text).toBe('org.rocksdb.RocksDBException: while link');
    expect(f!.evidence[0]!.line).toBe(2);
  });

  it('names the unsupported case when the errno is split by a space, not the generic link failure', async () => {
    const d = await stdin('Caused by: org.rocksdb.RocksDBException: while link file to /m/job/chk-3.tmp/1.sst: /m/job/db/1.sst: Operation not sup ported\n');
    expect(d.findings.map((f) => f.id)).toEqual(['rocksdb-hardlink-unsupported']);
  });

  it('surfaces a bare RocksDB status line no pattern knows in the unknown groups', async () => {
    const d = await stdin('IO error: something odd happened on /data/x\n');
    expect(d.findings).toEqual([]);
    expect(d.unknown.map((g) => g.message)).toEqual([expect.stringContaining('IO error: something odd happened')]);
  });
});
