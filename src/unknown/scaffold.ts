// Turns an unknown-failure group into the files of a new pattern: patterns/<area>/<id>.yaml with a
// match condition rebuilt from the fingerprint (exception class, message regex with the masked
// parts as wildcards), and samples/<area>/<id>/ with the representative record as the positive
// sample, a near-miss placeholder and expect.yaml. Writing the files is the CLI's job.

import type { UnknownGroup } from '../model.js';

/** The generated files, by path relative to the output directory. */
export interface Scaffold {
  id: string;
  area: string;
  files: Array<{ path: string; text: string }>;
  patternPath: string;
  positivePath: string;
  samplesDir: string;
}

/** Text that marks a near-miss sample the user has not replaced yet (`patterns lint` warns about it). */
export const PLACEHOLDER_MARK = 'flink-doctor: placeholder near-miss';

/** Valid pattern id or area (patterns/schema.json). */
export const ID_RE = /^[a-z0-9]+(-[a-z0-9]+)*$/;

/** A pattern id derived from a group: the exception's simple name, else the first words of the message. */
export function deriveId(g: UnknownGroup): string {
  const base = g.exception ? g.exception.split('.').pop()!.replace(/\$.*$/, '') : g.message.replace(/<[^>]*>/g, ' ');
  const words = g.exception
    ? base.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    : base.split(/\s+/).filter((w) => /[a-z]/i.test(w)).slice(0, 5).join('-');
  const id = words
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return ID_RE.test(id) ? id : `unknown-${g.fingerprint.replace(/^fp-/, '')}`;
}

const WILDCARDS: Record<string, string> = {
  n: '\\d+(?:\\.\\d+)?',
  hex: '(?:0x)?[0-9a-fA-F]+',
  id: '[0-9a-f]{32}(?:_[0-9a-f]{32}_\\d+_\\d+)?',
  uuid: '[0-9a-fA-F-]{36}',
  ip: '\\[?[0-9a-fA-F:.]+\\]?',
  rid: '[0-9a-f]{6}',
  container: '\\w+',
  time: '[\\d:.,T+Z -]+?',
  uri: '\\S+?',
  path: '\\S+?',
  host: '\\S+?',
  'host:port': '\\S+?',
  pod: '\\S+?',
  email: '\\S+?',
};

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A regex for a normalised message: literal parts escaped, masked parts as bounded wildcards, spaces as \s+. */
export function messageRegex(normalised: string): string {
  const parts: string[] = [];
  const re = /\(<i>\/<n>\)|<([a-z:]+)>/g;
  let last = 0;
  const literal = (s: string): void => {
    if (s) parts.push(s.split(/\s+/).map(escapeRegex).join('\\s+'));
  };
  for (let m = re.exec(normalised); m; m = re.exec(normalised)) {
    if (m[0] === '(<i>/<n>)') {
      literal(normalised.slice(last, m.index));
      parts.push('\\(\\d+\\/\\d+\\)(?:#\\d+)?');
    } else if (WILDCARDS[m[1]!]) {
      literal(normalised.slice(last, m.index));
      parts.push(WILDCARDS[m[1]!]!);
    } else continue;
    last = m.index + m[0].length;
  }
  literal(normalised.slice(last));
  return parts.join('');
}

/** Fixed runs of a normalised message (between masked parts), longest first. */
export function fixedRuns(normalised: string): string[] {
  return normalised
    .split(/\(<i>\/<n>\)|<(?:n|hex|id|uuid|ip|rid|container|time|uri|path|host|host:port|pod|email)>/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .sort((a, b) => b.length - a.length);
}

function yamlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function block(text: string, indent = '  '): string {
  return text
    .split('\n')
    .map((l) => (l ? indent + l : ''))
    .join('\n');
}

/** The pattern file and samples for a group. */
export function scaffoldPattern(g: UnknownGroup, opts: { id?: string; area?: string } = {}): Scaffold {
  const id = opts.id ?? deriveId(g);
  const area = opts.area ?? 'custom';
  const recordText = g.record.join('\n');
  const simple = g.exception ? g.exception.split('.').pop()! : '';
  const conditions: string[] = [];
  if (g.exception) conditions.push(`exception: ${yamlString(`^${escapeRegex(g.exception)}$`)}`);
  const msgRe = g.message ? messageRegex(g.message) : '';
  if (msgRe && fixedRuns(g.message).length > 0) conditions.push(`message: ${yamlString(msgRe)}`);
  if (conditions.length === 0) conditions.push(`message: ${yamlString(escapeRegex((g.sample.text[0] ?? g.message).trim().slice(0, 80)))}`);
  const match = conditions.length === 1 ? `match:\n  ${conditions[0]}` : `match:\n  all:\n${conditions.map((c) => `    - ${c}`).join('\n')}`;
  // Literals the prefilter searches for: the exception class, else the longest fixed run found verbatim in the record.
  const literal = g.exception && g.exception.length >= 12 ? g.exception : (fixedRuns(g.message).find((r) => recordText.includes(r)) ?? g.exception ?? '');
  const severity = g.level === 'WARN' ? 'warning' : 'error';
  const what = g.exception ? `${simple}${g.message ? `: ${g.message}` : ''}` : g.message;
  const title = (what.length > 90 ? what.slice(0, 89) + '…' : what).padEnd(5, '.');
  const pattern = [
    '# yaml-language-server: $schema=../schema.json',
    `# Generated by flink-doctor from unknown-failure fingerprint ${g.fingerprint} (${g.count}× in the input).`,
    '# Replace every TODO, widen or narrow the match, and keep the samples in step (flink-doctor patterns test).',
    `id: ${id}`,
    `title: ${yamlString(title)}`,
    `severity: ${severity}`,
    `area: ${area}`,
    ...(literal ? ['literals:', `  - ${yamlString(literal)}`] : []),
    match,
    `summary: ${yamlString(`${what.replace(/<[a-z:]+>/g, '…')} (TODO: one sentence on what failed and why; {name} fills in named regex groups).`)}`,
    'cause: |',
    block(`TODO: why this happens, from Flink's or the library's source and documentation.\nSeen as: ${g.exception ? `${g.exception}: ` : ''}${g.message}`),
    'remediation: |',
    block('TODO: the exact change that fixes it (configuration keys, values, where to set them).'),
    'verify: |',
    block('TODO: how to confirm the fix (what the log shows once it works).'),
    'references:',
    '  - https://nightlies.apache.org/flink/flink-docs-stable/ # TODO: the page that documents this failure',
    '',
  ].join('\n');
  const samplesDir = `samples/${area}/${id}`;
  const positiveName = `positive-${g.fingerprint}.log`;
  const nearMissName = 'near-miss-edit-me.log';
  const nearMiss = [
    `# ${PLACEHOLDER_MARK} sample for ${id}.`,
    '# Replace this file with a log record that looks like this failure but is not it (the same',
    '# exception with another message, a harmless line with similar words), so that the samples show',
    '# the pattern does not fire on it; rename it near-miss-<what>.log and update expect.yaml.',
    '',
  ].join('\n');
  const expect = [`${positiveName}: [${id}]`, `${nearMissName}: []`, ''].join('\n');
  const patternPath = `patterns/${area}/${id}.yaml`;
  return {
    id,
    area,
    patternPath,
    samplesDir,
    positivePath: `${samplesDir}/${positiveName}`,
    files: [
      { path: patternPath, text: pattern },
      { path: `${samplesDir}/${positiveName}`, text: recordText + '\n' },
      { path: `${samplesDir}/${nearMissName}`, text: nearMiss },
      { path: `${samplesDir}/expect.yaml`, text: expect },
    ],
  };
}
