// Reporter registry: each output format is a small module; the CLI takes its --format choices
// from here.

import type { Diagnosis } from '../model.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import { renderText } from './text.js';

export interface RenderOptions {
  color: boolean;
}

/** Output formats by name. */
export const REPORTERS = {
  text: (d: Diagnosis, o: RenderOptions) => renderText(d, o),
  json: (d: Diagnosis) => renderJson(d),
  markdown: (d: Diagnosis) => renderMarkdown(d),
} satisfies Record<string, (d: Diagnosis, o: RenderOptions) => string>;

export type Format = keyof typeof REPORTERS;
export const FORMATS = Object.keys(REPORTERS) as Format[];
