// `flink-doctor timeline`: the checkpoint timeline per job, as text, Markdown or JSON.

import { Chalk } from 'chalk';
import { visibleDeep } from '../report/escape.js';
import { timelineMarkdown, timelineText } from '../report/timeline.js';
import { diagnoseForCli } from './diagnose.js';
import { writeReport, type Io } from './io.js';
import type { TimelineOpts } from './options.js';

export async function timelineAction(paths: string[], opts: TimelineOpts, io: Io): Promise<number> {
  const diagnosis = await diagnoseForCli(paths, opts, io);
  if (!diagnosis) return 2;
  const color = opts.color && !opts.output && !!io.stdout.isTTY && io.env.NO_COLOR === undefined && io.env.TERM !== 'dumb';
  const text =
    opts.format === 'json'
      ? JSON.stringify({ checkpoints: diagnosis.checkpoints, checkpointRuns: diagnosis.checkpointRuns, jobTransitions: diagnosis.jobTransitions }, null, 2) + '\n'
      : opts.format === 'markdown'
        ? timelineMarkdown(visibleDeep(diagnosis), (s) => s.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;')).join('\n')
        : timelineText(visibleDeep(diagnosis), new Chalk({ level: color ? 1 : 0 })).join('\n') + '\n';
  writeReport(text, opts, io);
  if (diagnosis.interrupted) return 130;
  const readable = diagnosis.inputs.some((i) => i.bytes > 0);
  return !readable && diagnosis.warnings.some((w) => !/empty/.test(w.message)) ? 2 : 0;
}
