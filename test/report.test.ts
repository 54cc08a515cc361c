// The JSON report is a contract: it validates against schema/report.schema.json.

import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { jsonReport } from './helpers.js';

const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync('schema/report.schema.json', 'utf8')));

describe('JSON report', () => {
  for (const input of ['samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.17-azure-files', 'samples/rocksdb/rocksdb-hardlink-unsupported/positive-1.9-decline-log4j1.log', 'samples/rocksdb/rocksdb-hardlink-unsupported/near-miss-healthy-incremental.log']) {
    it(`validates against the published schema: ${input}`, async () => {
      const { report } = await jsonReport([input]);
      const ok = validate(report);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    });
  }
});
