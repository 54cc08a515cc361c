// Writes dist/patterns.cache.json: the built-in pattern files parsed and validated once at build
// time, so that a scan does not load the YAML parser and the schema validator (see PatternCache).
import { writeFileSync } from 'node:fs';
import { buildPatternCache, PATTERN_CACHE_FILE } from '../dist/detect/pattern.js';

writeFileSync(PATTERN_CACHE_FILE, JSON.stringify(buildPatternCache()));
