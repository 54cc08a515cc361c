// Types of scripts/corpus.mjs for the TypeScript test that drives it.
import type { Diagnosis } from '../src/model.js';

export interface CorpusEntry {
  file: string;
  path: string;
  source_url: string;
  product: string;
  flink_version: string | null;
  side: string;
  label: string;
  key_evidence: string;
  also: string[];
  notes: string;
}
export interface FalseAlarm { file: string; label: string; id: string; severity: string; why: string }
export interface CorpusSummary {
  excerpts: number;
  counts: { known: number; planned: number; other: number; healthy: number; trap: number; invalid: number };
  recall: { hits: number; excerpts: number; ratio: number; byId: Record<string, { excerpts: number; hits: number }> };
  notYetKnown: Record<string, { excerpts: number; hits: number }>;
  other: Record<string, number>;
  falseAlarms: FalseAlarm[];
  misses: { file: string; label: string; found: string[] }[];
  errors: { file: string; error: string }[];
  results: unknown[];
}
export const DEFAULT_DIR: string;
export const THRESHOLDS_FILE: string;
export const PLANNED_FILE: string;
export const PRODUCTS: string[];
export const SIDES: string[];
export const LABEL_ALIASES: Record<string, string>;
export function readPlannedIds(file?: string): string[];
export function readThresholds(file?: string): { recall: number; allowedFalseAlarms: string[] };
export function readCorpus(dir: string): { format: 'labels.json' | 'sidecars'; entries: CorpusEntry[]; problems: string[] };
export function classify(label: string, known: Set<string>, planned: Set<string>, format?: string): { kind: string; id: string | null };
export function checkEntry(e: CorpusEntry, known: Set<string>, planned: Set<string>, format: string): string[];
export function evaluate(entries: CorpusEntry[], diagnose: (path: string) => Promise<Diagnosis>, knownIds: string[], plannedIds: string[], format?: string): Promise<CorpusSummary>;
export function falseAlarmKey(f: { file: string; id: string }): string;
export function thresholdProblems(summary: CorpusSummary, thresholds: { recall: number; allowedFalseAlarms: string[] }): string[];
export function formatText(dir: string, summary: CorpusSummary, problems: string[]): string;
