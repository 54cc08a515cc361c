// Standard input cannot be read twice: its head and tail are kept as it is read, so the times a
// piped log covers are read from its first and last lines as they are from a file's.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EDGE_BYTES, StreamEdges } from '../../src/input/edges.js';
import { jsonReport } from '../helpers.js';

describe('StreamEdges', () => {
  it('keeps the first and the last EDGE_BYTES of a stream, whatever its chunks, as copies', () => {
    const data = Buffer.from(Array.from({ length: 3 * EDGE_BYTES + 17 }, (_, i) => 97 + (i % 26)));
    for (const size of [1000, EDGE_BYTES - 1, EDGE_BYTES, 5 * EDGE_BYTES]) {
      const edges = new StreamEdges();
      const reused = Buffer.alloc(size);
      for (let p = 0; p < data.length; p += size) {
        const n = data.copy(reused, 0, p, Math.min(p + size, data.length));
        edges.add(reused.subarray(0, n));
        reused.fill(0); // the reader reuses its buffer
      }
      expect(edges.head.equals(data.subarray(0, EDGE_BYTES)), `head, chunks of ${size}`).toBe(true);
      expect(edges.tail.equals(data.subarray(data.length - EDGE_BYTES)), `tail, chunks of ${size}`).toBe(true);
    }
  });

  it('a stream shorter than EDGE_BYTES is its own head and tail', () => {
    const edges = new StreamEdges();
    edges.add(Buffer.from('ab'));
    edges.add(Buffer.from('cd'));
    expect([edges.head.toString(), edges.tail.toString()]).toEqual(['abcd', 'abcd']);
  });
});

describe('a log piped on standard input', () => {
  it('covers the time from its first to its last line, though no finding or fact kept a time', async () => {
    const text = readFileSync(join(__dirname, '../../lab/captures/checkpoint-expired/2.3.0/flink-root-taskexecutor-0-vm.log'));
    const { report } = await jsonReport([], { stdin: text });
    const lines = text.toString().trimEnd().split('\n');
    const time = (l: string): string => l.slice(0, 23).replace(' ', 'T').replace(',', '.');
    expect(report.coverage.sources).toEqual([expect.objectContaining({ source: '<stdin>', first: time(lines[0]!), last: time(lines[lines.length - 1]!), from: 'file' })]);
  });
});

describe('an excerpt pasted out of order', () => {
  it('covers the time from its earlier edge to its later one, not a negative span', async () => {
    const text = [
      '2023-06-08 11:37:30,476 WARN  org.apache.flink.runtime.taskmanager.Task                    [] - second part pasted first',
      '2023-06-08 11:37:31,002 INFO  org.apache.flink.runtime.taskmanager.Task                    [] - still the second part',
      '2023-06-08 11:33:56,733 INFO  org.apache.flink.runtime.taskmanager.Task                    [] - first part pasted last',
    ].join('\n');
    const { report } = await jsonReport([], { stdin: Buffer.from(text) });
    expect(report.coverage.sources).toEqual([expect.objectContaining({ first: '2023-06-08T11:33:56.733', last: '2023-06-08T11:37:30.476' })]);
    expect(report.coverage.first).toBe('2023-06-08T11:33:56.733');
  });
});
