// Occurrences of a pattern counted by its decisive text (occurrenceKey: [text]) count distinct
// texts, whatever the timestamp layout: the time a line starts with is not part of the text. In
// the usual layout the timestamp is two words (date and time), and the same warning logged
// every few seconds is one occurrence, not one per line. The count must not depend on how many
// signals a scan keeps either (one thread against lanes, which thin their signals per range).

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosePaths } from '../../src/diagnose.js';
import { loadPatterns } from '../../src/detect/pattern.js';
import { tempDir } from '../helpers.js';

const patterns = loadPatterns();

const warning = (node: number) =>
  `WARN  org.apache.kafka.clients.NetworkClient                       [] - [Consumer clientId=consumer-orders-1, groupId=orders] Connection to node ${node} (kafka-${node}.kafka.svc.cluster.local/10.0.3.1${node}:9092) could not be established. Broker may not be available.`;

async function brokerFinding(lines: string[]): Promise<{ occurrences: number; events: number }> {
  const file = join(tempDir(), 'flink-root-taskexecutor-0-host.log');
  writeFileSync(file, lines.join('\n') + '\n');
  const d = await diagnosePaths([file], { patterns, ignore: [] });
  const f = d.findings.find((x) => x.id === 'kafka-broker-unreachable');
  expect(f).toBeDefined();
  return { occurrences: f!.occurrences, events: f!.events };
}

/** 2,400 warnings about two brokers, one every 1.5 s, in a timestamp layout. */
function log(stamp: (ms: number) => string): string[] {
  const start = Date.UTC(2024, 2, 11, 9, 0, 0);
  return Array.from({ length: 2400 }, (_, i) => `${stamp(start + i * 1500)} ${warning(i % 2)}`);
}

const usual = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23);
const iso = (ms: number) => new Date(ms).toISOString();

describe('occurrences by decisive text', () => {
  it('count distinct texts in the usual layout (date and time, two words), past the signals a scan keeps one by one', async () => {
    expect(await brokerFinding(log(usual))).toEqual({ occurrences: 2, events: 2400 });
  });

  it('count the same in the ISO layout (one word)', async () => {
    expect(await brokerFinding(log(iso))).toEqual({ occurrences: 2, events: 2400 });
  });

  it('count a text logged at different times once, and different texts apart', async () => {
    const lines = [`2024-03-11 09:00:00,000 ${warning(1)}`, `2024-03-11 09:00:05,000 ${warning(1)}`, `2024-03-11 09:00:07,000 ${warning(2)}`];
    expect(await brokerFinding(lines)).toEqual({ occurrences: 2, events: 3 });
  });
});
