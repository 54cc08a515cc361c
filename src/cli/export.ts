// `flink-doctor patterns export --to logql|elasticsearch|sigma`: the patterns as queries of a log
// platform, written to standard output or a file.

import { existsSync, writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { BUILTIN_PATTERN_DIR, loadPatterns } from '../detect/pattern.js';
import { elasticsearchSearches } from '../export/elasticsearch.js';
import { logqlRules } from '../export/logql.js';
import { lineQuery } from '../export/query.js';
import { sigmaRules } from '../export/sigma.js';
import { UsageError, type Io } from './io.js';

interface ExportFlags {
  to: 'logql' | 'elasticsearch' | 'sigma';
  patterns: string[];
  selector: string;
  window: string;
  field: string;
  output?: string;
}

/** Adds `export` to the `patterns` command. */
export function exportCommand(patterns: Command, io: Io, state: { code: number }): void {
  patterns
    .command('export')
    .description('write each pattern as a query of a log platform: a Loki ruler rule file (LogQL), Elasticsearch query DSL bodies, or Sigma rules; comments name what the platform cannot express')
    .addOption(new Option('--to <dialect>', 'query language').choices(['logql', 'elasticsearch', 'sigma']).makeOptionMandatory())
    .option('-p, --patterns <dir>', 'also export patterns from a directory (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
    .option('--selector <selector>', 'logql: the stream selector of the Flink logs', '{job=~".+"}')
    .option('--window <range>', 'logql: the range each rule counts lines over', '5m')
    .option('--field <name>', 'elasticsearch and sigma: the field holding the log line', 'message')
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action((flags: ExportFlags) => {
      for (const d of flags.patterns) if (!existsSync(d)) throw new UsageError(`--patterns ${d}: no such directory`);
      if (!/^\{.*\}$/s.test(flags.selector.trim())) throw new UsageError(`--selector: '${flags.selector}' is not a LogQL stream selector such as {namespace="flink"}`);
      if (!/^\d+[smhdw]$/.test(flags.window)) throw new UsageError(`--window: '${flags.window}' is not a range such as 5m`);
      const queries = loadPatterns([BUILTIN_PATTERN_DIR, ...flags.patterns]).map(lineQuery);
      const text =
        flags.to === 'logql'
          ? logqlRules(queries, { selector: flags.selector.trim(), window: flags.window })
          : flags.to === 'elasticsearch'
            ? JSON.stringify(elasticsearchSearches(queries, { field: flags.field }), null, 2) + '\n'
            : sigmaRules(queries, { field: flags.field, date: new Date().toISOString().slice(0, 10) });
      if (flags.output) {
        try {
          writeFileSync(flags.output, text);
        } catch (e) {
          throw new UsageError(`-o ${flags.output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
        }
      } else io.stdout.write(text);
      state.code = 0;
    });
}
