// `flink-doctor patterns list | show ID | test [DIR] | lint [DIR]`: browse the pattern library,
// run every pattern against its samples, and check patterns for slow or fragile definitions.

import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BUILTIN_PATTERN_DIR, loadPatterns, type Pattern } from '../detect/pattern.js';
import { score } from '../detect/literals.js';
import { coverageProblems, readSampleCases, runSamples } from '../samples.js';
import type { Io } from './main.js';

const BUILTIN_SAMPLES = resolve(BUILTIN_PATTERN_DIR, '..', 'samples');

function load(dir?: string): Pattern[] {
  return loadPatterns(dir ? [BUILTIN_PATTERN_DIR, dir] : [BUILTIN_PATTERN_DIR]);
}

/** Adds the `patterns` command group. */
export function patternsCommand(program: Command, io: Io, state: { code: number }): void {
  const cmd = program.command('patterns').description('list, show, test and lint the known-failure patterns');
  cmd
    .command('list')
    .description('list the patterns')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('-p, --patterns <dir>', 'also load patterns from a directory')
    .action((opts: { format: string; patterns?: string }) => {
      const ps = load(opts.patterns);
      if (opts.format === 'json') {
        io.stdout.write(JSON.stringify(ps.map((p) => ({ id: p.id, title: p.title, severity: p.severity, area: p.area, role: p.role ?? 'root', flink: p.flink ?? null })), null, 2) + '\n');
        return;
      }
      const w = Math.max(...ps.map((p) => p.id.length));
      for (const p of ps) io.stdout.write(`${p.id.padEnd(w)}  ${p.severity.padEnd(8)}  ${p.title}\n`);
    });
  cmd
    .command('show <id>')
    .description('show one pattern with its cause, fix and references')
    .option('-p, --patterns <dir>', 'also load patterns from a directory')
    .action((id: string, opts: { patterns?: string }) => {
      const p = load(opts.patterns).find((x) => x.id === id);
      if (!p) {
        io.stderr.write(`flink-doctor: no pattern '${id}' (see flink-doctor patterns list)\n`);
        state.code = 2;
        return;
      }
      const lines = [
        `${p.id} — ${p.title}`,
        `severity: ${p.severity}   area: ${p.area}   role: ${p.role ?? 'root'}${p.flink ? `   flink: ${p.flink}` : ''}`,
        `file: ${p.file}`,
        `literals: ${p.prefilterLiterals === null ? '(none: reads every record)' : p.prefilterLiterals.map((l) => JSON.stringify(l)).join(', ')}`,
        '',
        'Summary:',
        p.summary,
        '',
        'Cause:',
        p.cause.trim(),
        '',
        'Fix:',
        p.remediation.trim(),
        '',
        'Verify:',
        p.verify.trim(),
        '',
        'References:',
        ...p.references,
      ];
      io.stdout.write(lines.join('\n') + '\n');
    });
  cmd
    .command('test [dir]')
    .description('run every pattern against its samples (default: the shipped samples)')
    .option('-p, --patterns <dir>', 'also load patterns from a directory')
    .action(async (dir: string | undefined, opts: { patterns?: string }) => {
      const ps = load(opts.patterns);
      const root = dir ? resolve(dir) : BUILTIN_SAMPLES;
      const { cases, problems } = readSampleCases(root);
      const results = await runSamples(cases, ps);
      let failed = problems.length;
      for (const p of problems) io.stdout.write(`FAIL ${p}\n`);
      for (const r of results) {
        if (r.ok) io.stdout.write(`ok   ${r.patternId}/${r.name}\n`);
        else {
          failed++;
          io.stdout.write(`FAIL ${r.patternId}/${r.name}: ${r.problem}\n`);
        }
      }
      if (!dir) {
        for (const p of coverageProblems(ps, cases)) {
          failed++;
          io.stdout.write(`FAIL ${p}\n`);
        }
      }
      io.stdout.write(`${results.length - results.filter((r) => !r.ok).length} passed, ${failed} failed\n`);
      state.code = failed > 0 ? 1 : 0;
    });
  cmd
    .command('lint [dir]')
    .description('check patterns for short or missing literals and missing samples')
    .action((dir: string | undefined) => {
      const ps = dir ? loadPatterns([resolve(dir)]) : load();
      const { cases } = readSampleCases(dir ? join(resolve(dir), '..', 'samples') : BUILTIN_SAMPLES);
      const warnings: string[] = [];
      for (const p of ps) {
        if (!p.match) continue;
        if (p.prefilterLiterals === null) warnings.push(`${p.id}: no literal could be derived from its regexes; it reads every record (slow). Add 'literals:'.`);
        else if (score(p.prefilterLiterals) < 12) warnings.push(`${p.id}: shortest literal ${JSON.stringify(p.prefilterLiterals.reduce((a, b) => (a.length <= b.length ? a : b)))} is under 12 bytes; short literals slow the prefilter.`);
      }
      warnings.push(...coverageProblems(ps, cases));
      for (const w of warnings) io.stdout.write(`warning: ${w}\n`);
      io.stdout.write(`${ps.length} patterns, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n`);
      state.code = warnings.length > 0 ? 1 : 0;
    });
}
