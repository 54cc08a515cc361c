// The command line: parses flags into options, calls the library, picks a reporter and returns
// an exit code. It never calls process.exit in the middle of work; bin/flink-doctor.js does, once.

import { Command, CommanderError, Option } from 'commander';
import { PatternError } from '../detect/pattern.js';
import { IgnoreError } from '../ignore.js';
import { visible } from '../report/escape.js';
import { VERSION } from '../version.js';
import { exportCommand } from './export.js';
import { explainAction } from './explain.js';
import { UsageError, type Io } from './io.js';
import { inputOptions, scanOptions, type ExplainOpts, type ScanOpts, type TimelineOpts } from './options.js';
import { patternsCommand } from './patterns.js';
import { scanAction } from './scan.js';
import { timelineAction } from './timeline.js';
import { watchCommand } from './watch.js';

const EXAMPLES = `
Examples:
  flink-doctor /var/log/flink/                 scan a log directory (recursively)
  flink-doctor jm.log tm-1.log tm-2.log.gz     scan some files (gzip detected by content)
  kubectl logs tm-pod | flink-doctor           read standard input
  flink-doctor --format json -o report.json logs/
  flink-doctor --format markdown logs/ > ticket.md
  flink-doctor --redact --redact-map map.txt -f html -o report.html logs/
                                               a shareable report; map.txt stays with you
  flink-doctor timeline jm.log                 the checkpoint timeline per job
  flink-doctor --unknown 10 logs/              list the 10 top failures no pattern knows
  flink-doctor explain fp-3a9c1e2b7d logs/     every occurrence of one unknown failure
  flink-doctor patterns new --from fp-3a9c1e2b7d logs/
                                               scaffold a pattern and samples from it
  flink-doctor patterns list                   show the known failures
  flink-doctor patterns export --to logql      the patterns as Loki, Elasticsearch or Sigma rules
  flink-doctor watch kafka://broker:9092/flink-logs --group flink-doctor --output-topic flink-findings
                                               diagnose a log stream on Kafka as a consumer group member

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error, or nothing read (an empty input
without --allow-empty), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM); both still print the report of what was read.`;

/** Runs the CLI with argv (without node and script); resolves to the exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  const state = { code: 0 };
  const program = new Command();
  program
    .name('flink-doctor')
    .description('Find known Apache Flink failures in JobManager and TaskManager logs, with the root cause and the fix.')
    .version(VERSION, '-V, --version')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .exitOverride()
    .enablePositionalOptions()
    .showHelpAfterError('(run flink-doctor --help for usage)')
    .addHelpText('after', EXAMPLES);

  const scan = (cmd: Command): Command =>
    scanOptions(cmd).action(async (paths: string[], opts: ScanOpts) => {
      state.code = await scanAction(paths, opts, io);
    });

  scan(program);
  scan(program.command('scan', { hidden: false }).description('scan logs (the default command)'));
  inputOptions(program.command('timeline').description('print the checkpoint timeline per job (checkpoints, restarts, gaps) from the JobManager log'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'markdown', 'json']).default('text'))
    .action(async (paths: string[], opts: TimelineOpts) => {
      state.code = await timelineAction(paths, opts, io);
    });
  inputOptions(program.command('explain').description('print every occurrence of one unknown failure and its representative trace').argument('<fingerprint>', 'fingerprint id from a report (fp-…), or a unique prefix of it'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (fingerprint: string, paths: string[], opts: ExplainOpts) => {
      state.code = await explainAction(fingerprint, paths, opts, io);
    });
  patternsCommand(program, io, state);
  exportCommand(program.commands.find((c) => c.name() === 'patterns')!, io, state);
  watchCommand(program, io, state);

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError || e instanceof PatternError || e instanceof IgnoreError) {
      io.stderr.write(`flink-doctor: ${visible(e.message)}\n`);
      return 2;
    }
    const debug = argv.includes('--debug');
    io.stderr.write(`flink-doctor: internal error: ${visible((e as Error).message)}${debug ? `\n${(e as Error).stack}` : ' (run with --debug for details)'}\n`);
    return 2;
  }
  return state.code;
}
