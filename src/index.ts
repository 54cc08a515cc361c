// Library API of flink-doctor: diagnose logs from code, load patterns, render reports.

export { diagnose, diagnosePaths, type DiagnoseOptions } from './diagnose.js';
export { resolveInputs, type InputSource } from './input/sources.js';
export { loadPatterns, loadPatternFile, PatternError, BUILTIN_PATTERN_DIR, type Pattern, type PatternSpec } from './detect/pattern.js';
export { REPORTERS, FORMATS, type Format } from './report/index.js';
export { toJson } from './report/json.js';
export * from './model.js';
