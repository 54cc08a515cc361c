// The detection setup: what every detection over one set of patterns shares, built once from the
// patterns — the literals the scanner looks for (the facts' and the patterns'), the problem
// literals that find unclaimed failures, their prefilters, whether every record must be read,
// and detectors wired with them (the literal search of their second reading of normalised text
// included). A diagnosis, follow mode, the Kafka watcher and the scan workers all build their
// detectors here.

import { Detector, PROBLEM_LITERALS, scanLiterals, type DetectorOptions } from './detect/detector.js';
import type { Pattern } from './detect/pattern.js';
import { withResolutions } from './detect/pattern-spec.js';
import { buildPrefilter, lazyPrefilter, type Prefilter } from './scan/prefilter.js';

export interface DetectionSetup {
  patterns: Pattern[];
  /** Where the patterns were loaded from, for a worker thread to load them again; null when they were handed over compiled. */
  patternDirs: string[] | null;
  options: DetectorOptions;
  /** The literals whose records the scanner hands on: the facts' and the patterns'. */
  literals: string[];
  /** The literals and those that find problem lines no pattern names (records kept for unknown failures). */
  problemLiterals: string[];
  prefilter: Prefilter;
  problemPrefilter: Prefilter;
  /** Every record is read (fullScan, or a pattern without literals). */
  everyRecord: boolean;
  /** A new detector over these patterns. */
  detector(): Detector;
}

/** Options of a detection that reads everything and keeps all times. */
export const DETECT_ALL: DetectorOptions = { since: null, until: null, fullScan: false };

export function detectionSetup(patterns: Pattern[], options: DetectorOptions = DETECT_ALL, patternDirs: string[] | null = null): DetectionSetup {
  // Detection reads the patterns' resolutions too (their `resolvedBy` lines); correlation gets them as signals.
  const detected = withResolutions(patterns);
  const literals = scanLiterals(detected);
  const problemLiterals = [...literals, ...PROBLEM_LITERALS];
  const detector = (): Detector => new Detector(detected, options, buildPrefilter);
  return {
    patterns,
    patternDirs,
    options,
    literals,
    problemLiterals,
    prefilter: buildPrefilter(literals),
    problemPrefilter: lazyPrefilter(problemLiterals),
    everyRecord: options.fullScan || detected.some((p) => p.match && p.prefilterLiterals === null),
    detector,
  };
}
