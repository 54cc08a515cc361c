// Reporter registry: each output format is a small module; the CLI takes its --format choices
// from here. Reporters get a finished (and, with --redact, already redacted) Diagnosis.

import type { Diagnosis } from '../model.js';
import { renderHtml } from './html.js';
import { jsonParts, renderJson } from './json.js';
import { renderJira } from './jira.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';
import { visibleDeep } from './escape.js';

/** Options every reporter receives. */
export interface RenderOptions {
  color: boolean;
  /** How many unknown-failure groups to list (`--unknown`; default 5, 0 hides the section). */
  unknown?: number;
}

/** Output formats by name. */
export const REPORTERS = {
  text: (d: Diagnosis, o: RenderOptions) => renderText(d, o),
  json: (d: Diagnosis, o: RenderOptions) => renderJson(d, o),
  markdown: (d: Diagnosis, o: RenderOptions) => renderMarkdown(d, o),
  html: (d: Diagnosis, o: RenderOptions) => renderHtml(d, o),
  jira: (d: Diagnosis, o: RenderOptions) => renderJira(d, o),
} satisfies Record<string, (d: Diagnosis, o: RenderOptions) => string>;

/** Name of an output format. */
export type Format = keyof typeof REPORTERS;
/** The --format choices. */
export const FORMATS = Object.keys(REPORTERS) as Format[];

/**
 * A report's text in parts to write one after another (a long JSON timeline is not built whole).
 * The human formats show control characters from the logs visibly (report/escape.ts).
 */
export function reportParts(format: Format, d: Diagnosis, o: RenderOptions): Iterable<string> {
  return format === 'json' ? jsonParts(d, o) : [REPORTERS[format](visibleDeep(d), o)];
}
