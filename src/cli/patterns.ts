// `flink-doctor patterns list | show ID | test [DIR] | lint [DIR] | new --from FP`: browse the
// pattern library, run every pattern against its samples, check patterns for slow or fragile
// definitions, and scaffold a pattern with samples from an unknown-failure fingerprint.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { BUILTIN_PATTERN_DIR, loadPatternFile, loadPatterns, type Pattern } from '../detect/pattern.js';
import { PATTERN_TEXT_FIELDS, templateProblems } from '../detect/pattern-spec.js';
import { score } from '../detect/literals.js';
import { diagnosePaths } from '../diagnose.js';
import { Redactor } from '../redact/redactor.js';
import { LONG_LITERAL } from '../scan/prefilter.js';
import { coverageProblems, firedIds, readSampleCases, runSamples } from '../samples.js';
import { ID_RE, PLACEHOLDER_MARK, scaffoldPattern } from '../unknown/scaffold.js';
import { findGroup } from './explain.js';
import { diagnoseForCli } from './diagnose.js';
import { UsageError, type Io } from './io.js';

const BUILTIN_SAMPLES = resolve(BUILTIN_PATTERN_DIR, '..', 'samples');

function load(dir?: string): Pattern[] {
  return loadPatterns(dir ? [BUILTIN_PATTERN_DIR, dir] : [BUILTIN_PATTERN_DIR]);
}

function isPlaceholder(path: string): boolean {
  try {
    return readFileSync(path, 'utf8').includes(PLACEHOLDER_MARK);
  } catch {
    return false;
  }
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
      // A samples directory with a patterns/ directory beside it (as `patterns new` writes) tests those patterns too.
      const sibling = dir ? resolve(dir, '..', 'patterns') : null;
      const extra = opts.patterns ?? (sibling && sibling !== BUILTIN_PATTERN_DIR && existsSync(sibling) ? sibling : undefined);
      const ps = load(extra);
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
        for (const field of PATTERN_TEXT_FIELDS) {
          for (const problem of templateProblems(p[field] ?? '')) warnings.push(`${p.id}: ${field}: ${problem}.`);
        }
        if (p.resolution?.prefilterLiterals === null) warnings.push(`${p.id}: no literal could be derived from the regexes of resolvedBy; every record is read (slow). Add 'resolvedBy.literals:'.`);
        if (!p.match) continue;
        if (p.prefilterLiterals === null) warnings.push(`${p.id}: no literal could be derived from its regexes; it reads every record (slow). Add 'literals:'.`);
        else if (score(p.prefilterLiterals) < LONG_LITERAL) warnings.push(`${p.id}: literal ${JSON.stringify(p.prefilterLiterals.reduce((a, b) => (Buffer.byteLength(a) <= Buffer.byteLength(b) ? a : b)))} is under ${LONG_LITERAL} bytes; literals this short cost a second scan pass over every input.`);
      }
      warnings.push(...coverageProblems(ps, cases));
      for (const c of cases) {
        if (c.kind === 'near-miss' && !c.path.endsWith('/') && isPlaceholder(c.path)) warnings.push(`${c.patternId}: ${relative(process.cwd(), c.path)} is still the generated placeholder; replace it with a real near miss.`);
      }
      for (const w of warnings) io.stdout.write(`warning: ${w}\n`);
      io.stdout.write(`${ps.length} patterns, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}\n`);
      state.code = warnings.length > 0 ? 1 : 0;
    });
  cmd
    .command('new')
    .description('scaffold a pattern and its samples from an unknown-failure fingerprint found in the logs')
    .requiredOption('--from <fingerprint>', 'fingerprint id from a report (fp-…)')
    .argument('[paths...]', 'the logs the fingerprint was found in (default: standard input)')
    .option('--id <id>', 'pattern id (default: derived from the exception name)')
    .option('--area <area>', 'area folder under patterns/ and samples/', 'custom')
    .option('--out <dir>', 'directory to write patterns/ and samples/ into', '.')
    .option('-p, --patterns <dir>', 'also load patterns from a directory (repeatable)', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--force', 'overwrite existing files')
    .option('--redact', 'pseudonymise hosts, IPs, pod names, users, buckets, e-mails and secrets in the written samples (as in reports)')
    .option('-q, --quiet', 'no warnings on standard error')
    .action(async (paths: string[], opts: { from: string; id?: string; area: string; out: string; patterns: string[]; force?: boolean; redact?: boolean; quiet?: boolean }) => {
      if (opts.id !== undefined && !ID_RE.test(opts.id)) throw new UsageError(`--id ${opts.id}: use lower-case letters, digits and single hyphens (e.g. payment-gateway-rejected)`);
      if (!ID_RE.test(opts.area)) throw new UsageError(`--area ${opts.area}: use lower-case letters, digits and hyphens (e.g. custom)`);
      const found = await diagnoseForCli(paths, { patterns: opts.patterns, color: false, quiet: opts.quiet ?? false }, io);
      if (!found) {
        state.code = 2;
        return;
      }
      // Samples are meant to be shared (committed, attached to a pattern request): --redact
      // writes them with the same pseudonyms a redacted report uses.
      const d = opts.redact ? new Redactor().redactDiagnosis(found) : found;
      const group = findGroup(d, opts.from);
      if (typeof group === 'string') throw new UsageError(group);
      const sc = scaffoldPattern(group, { ...(opts.id ? { id: opts.id } : {}), area: opts.area });
      if (load().some((p) => p.id === sc.id)) throw new UsageError(`pattern id ${sc.id} is a built-in pattern; choose another with --id`);
      const out = resolve(opts.out);
      const clash = sc.files.map((f) => join(out, f.path)).filter((f) => existsSync(f));
      if (clash.length && !opts.force) throw new UsageError(`${relative(process.cwd(), clash[0]!) || clash[0]} already exists (--force overwrites, --id picks another name)`);
      for (const f of sc.files) {
        const path = join(out, f.path);
        mkdirSync(dirname(path), { recursive: true });
        writeFileSync(path, f.text);
      }
      // The new pattern must load and fire on its own positive sample.
      const pattern = loadPatternFile(join(out, sc.patternPath));
      const check = await diagnosePaths([join(out, sc.positivePath)], { patterns: [...load(), pattern], ignore: [] });
      const fired = firedIds(check, [...load(), pattern]);
      const shown = (p: string): string => relative(process.cwd(), join(out, p)) || join(out, p);
      io.stdout.write(
        [
          `Wrote ${shown(sc.patternPath)}`,
          `      ${shown(sc.positivePath)} (the representative record, ${group.sample.source}:${group.sample.line})`,
          `      ${shown(sc.samplesDir)}/near-miss-edit-me.log (a placeholder: replace it with a real near miss)`,
          `      ${shown(sc.samplesDir)}/expect.yaml`,
          fired.includes(sc.id) ? `The pattern matches its positive sample.` : `Warning: the pattern does not match its positive sample (fired: [${fired.join(', ')}]); edit its match.`,
          `Next: fill in the TODOs, then run flink-doctor patterns test ${shown('samples')}`,
          '',
        ].join('\n'),
      );
      state.code = fired.includes(sc.id) ? 0 : 1;
    });
}
