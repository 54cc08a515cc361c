import { describe, expect, it } from 'vitest';
import { buildEvent } from '../../src/parse/event.js';

describe('exception messages', () => {
  it('reads the message of an exception line that ends at its colon from the next line', () => {
    const e = buildEvent(0, 1, [
      'org.apache.flink.table.api.ValidationException:',
      "Querying an unbounded table 'c.d.t' in batch mode is not allowed.",
      'The table source is unbounded.',
      '\tat org.apache.flink.table.planner.connectors.DynamicSourceUtils.validateScanSource(DynamicSourceUtils.java:478)',
    ]);
    expect(e.chain[0]!.cls).toBe('org.apache.flink.table.api.ValidationException');
    expect(e.chain[0]!.message).toBe("Querying an unbounded table 'c.d.t' in batch mode is not allowed.\nThe table source is unbounded.");
    expect(e.frames).toHaveLength(1);
  });
  it('keeps a message that continues on the next line after its first words', () => {
    const e = buildEvent(0, 1, ['java.io.IOException: first part', 'second part']);
    expect(e.chain[0]!.message).toBe('first part\nsecond part');
  });
});
