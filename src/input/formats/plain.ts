// Plain text: a log, or Flink configuration by its file name; other YAML is not read.

import type { ExpandOptions, Member } from '../expand.js';
import { isConfigName } from '../sources.js';
import { drain } from '../streams.js';

/** YAML files: read for Flink operator resources, else configuration by name, else skipped. */
export const YAML_NAME = /\.ya?ml$/i;

/** The member of a plain text stream (none for YAML that is not Flink configuration, with a warning). */
export async function* plainMembers(name: string, src: AsyncIterable<Buffer>, opts: ExpandOptions): AsyncGenerator<Member> {
  if (YAML_NAME.test(name) && !isConfigName(name)) {
    // Walked directories read *.yaml for operator resources; other YAML is not a log.
    opts.warn(name, 'YAML file that is neither Flink configuration nor a Flink operator resource; not read');
    await drain(src);
    return;
  }
  yield { name, kind: isConfigName(name) ? 'config' : 'log', chunks: src, gzip: false };
}
