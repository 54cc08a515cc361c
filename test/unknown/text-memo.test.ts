// The exact-text memo in front of normaliseMessage's digit-shape memo: a message asked for again
// word for word is answered from it; where messages rarely repeat exactly it judges itself not
// worth its look-ups and copies and is left out for a while, then tried again. Whatever state it
// is in, every answer is the masking of the message itself.

import { describe, expect, it } from 'vitest';
import { maskMessage, normaliseMessage, TEXT_PAUSE, TEXT_TRIAL, textMemoState } from '../../src/unknown/fingerprint.js';

const repeated = ['[Producer clientId=producer-orders-sink-0] Connection to node 2 (kafka-2.kafka.svc.cluster.local/10.0.3.12:9092) could not be established. Broker may not be available.', 'Metric reporter prom could not report group 82, skipping this round', 'Lookup failed'];

describe('normaliseMessage: the exact-text memo', () => {
  it('remembers messages that repeat word for word, answering them as the masks do', () => {
    for (let i = 0; i < TEXT_TRIAL * 2; i++) {
      const m = repeated[i % repeated.length]!;
      expect(normaliseMessage(m)).toBe(maskMessage(m));
    }
    expect(textMemoState()).toEqual({ on: true, size: repeated.length });
    // A text with a line after the first is remembered by its first line.
    expect(normaliseMessage(`${repeated[1]}\nsecond line 7`)).toBe(maskMessage(repeated[1]!));
    expect(textMemoState().size).toBe(repeated.length);
  });

  it('is left out while messages rarely repeat exactly, and tried again after a pause', () => {
    // Every message new (a customer id each): under half found, so at the next judgement it is emptied and left out.
    let i = 0;
    const fresh = (): string => `Lookup of customer ${1_000_000 + i++} failed, retrying in ${i % 500} ms`;
    let asked = 0;
    while (textMemoState().on && asked < 2 * TEXT_TRIAL) {
      const m = fresh();
      expect(normaliseMessage(m)).toBe(maskMessage(m));
      asked++;
    }
    // Judged within two trials (the first may have begun with the repeats of the test above).
    expect(asked).toBeLessThanOrEqual(2 * TEXT_TRIAL);
    expect(textMemoState()).toEqual({ on: false, size: 0 });
    // While left out, exact repeats are answered alike (by the digit-shape memo) and not remembered.
    for (let k = 0; k < TEXT_PAUSE - 1; k++) normaliseMessage(k % 2 === 0 ? repeated[0]! : fresh());
    expect(textMemoState()).toEqual({ on: false, size: 0 });
    expect(normaliseMessage(repeated[2]!)).toBe(maskMessage(repeated[2]!));
    // The pause is over: the memo is tried again, and kept while its messages repeat.
    expect(textMemoState().on).toBe(true);
    for (let k = 0; k < TEXT_TRIAL * 2; k++) expect(normaliseMessage(repeated[k % 3]!)).toBe(maskMessage(repeated[k % 3]!));
    expect(textMemoState()).toEqual({ on: true, size: 3 });
  });

  it('answers messages of one length but different shapes, interleaved, each as the masks do', () => {
    // The entry of the last message of a length is tried first: a message of that length with
    // another shape must not take its answer.
    const same = ['Processed 12 records in partition orders-3 (lag 456)', 'Processed 123 records in partition orders-3 (lag 45)', 'Processed 1 records in partition orders-34 (lag 456)', 'Lookup of customer x failed, retrying in 100 ms tota', 'Processed 0x1 records in partition orders- (lag 456)'];
    for (const m of same) expect(m.length).toBe(same[0]!.length);
    for (let k = 0; k < 200; k++) {
      const m = same[(k * 7) % same.length]!.replace(/\d/g, (d) => String((Number(d) + k) % 10));
      expect(normaliseMessage(m)).toBe(maskMessage(m));
    }
  });

  it('holds at most 4096 texts', () => {
    // Half repeats, half new: it stays on, its size bounded.
    for (let k = 0; k < 3 * 4096; k++) normaliseMessage(k % 4 === 0 ? `request ${k} timed out` : repeated[k % 3]!);
    const s = textMemoState();
    expect(s.on).toBe(true);
    expect(s.size).toBeLessThanOrEqual(4096);
    expect(normaliseMessage('request 8 timed out')).toBe(maskMessage('request 8 timed out'));
  });
});
