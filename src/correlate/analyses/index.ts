// The registry of named analyses a pattern refers to (`analysis:` or `check:` in its YAML): each
// reads the facts and the finding's signals and returns values for the pattern's texts, facts as
// data, configuration entries, impact sentences and the configuration change of the fix. A new
// analysis is a module here and a name in patterns/schema.json; the correlator knows no pattern.

import type { ConfigChangeLine, ConfigEntry, Evidence, FindingFacts, Signal, SourceInfo } from '../../model.js';
import type { Facts } from '../../detect/facts.js';
import { checkpointTimeout } from './checkpoint-timeout.js';
import { errno } from './errno.js';
import { rocksdbLocalDir } from './localdir.js';

/** What an analysis reads. */
export interface AnalysisInput {
  /** The finding's signals, by time (empty for a configuration-only check). */
  signals: Signal[];
  /** The jobs the finding names. */
  jobs: string[];
  facts: Facts;
  sources: SourceInfo[];
}

/** What an analysis adds to a finding; every part is optional. */
export interface AnalysisResult {
  /** Values for `{name}` placeholders of the pattern's texts. */
  values?: Record<string, string>;
  config?: ConfigEntry[];
  impact?: string[];
  unchecked?: string[];
  facts?: FindingFacts;
  configChange?: ConfigChangeLine[];
}

/** A named analysis. */
export interface Analysis {
  name: string;
  /** Adds to a finding built from log signals. */
  enrich?(input: AnalysisInput): AnalysisResult;
  /** A finding from configuration alone (`check:`), with its evidence; null when nothing is wrong. */
  check?(input: AnalysisInput): (AnalysisResult & { evidence: Evidence[] }) | null;
  /** The directories a set of the finding's signals names, and what they are, for the per-job breakdown. */
  directories?: { label: string; of(signals: Signal[]): string[] };
}

const REGISTRY = new Map<string, Analysis>();

/** Registers an analysis under its name (a later one replaces an earlier one of the same name). */
export function registerAnalysis(a: Analysis): void {
  REGISTRY.set(a.name, a);
}

/** The analysis of that name, if registered. */
export function analysisNamed(name: string): Analysis | undefined {
  return REGISTRY.get(name);
}

/** Names of the registered analyses. */
export function analysisNames(): string[] {
  return [...REGISTRY.keys()].sort();
}

/** A pattern's `analysis:` as a list of registered analyses (unknown names are skipped). */
export function analysesOf(p: { analysis?: string | string[] }): Analysis[] {
  const names = p.analysis === undefined ? [] : Array.isArray(p.analysis) ? p.analysis : [p.analysis];
  return names.map((n) => REGISTRY.get(n)).filter((a): a is Analysis => a !== undefined);
}

for (const a of [rocksdbLocalDir, errno, checkpointTimeout]) registerAnalysis(a);
