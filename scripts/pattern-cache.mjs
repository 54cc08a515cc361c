// Writes dist/patterns.cache.json (and dist/noise.cache.json): the built-in pattern files parsed and validated once at build
// time, so that a scan does not load the YAML parser and the schema validator (see PatternCache).
import { writeFileSync } from 'node:fs';
import { buildPatternCache, PATTERN_CACHE_FILE } from '../dist/detect/pattern.js';
import { buildNoiseCache, NOISE_CACHE_FILE } from '../dist/unknown/noise.js';

writeFileSync(PATTERN_CACHE_FILE, JSON.stringify(buildPatternCache()));
// The known-noise list beside the patterns, parsed once (see unknown/noise.ts).
writeFileSync(NOISE_CACHE_FILE, JSON.stringify(buildNoiseCache()));
