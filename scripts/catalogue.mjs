// Writes docs/patterns.md from the pattern files (needs a build: npm run build).
import { writeFileSync } from 'node:fs';
import { loadPatterns } from '../dist/detect/pattern.js';
import { renderCatalogue } from '../dist/catalogue.js';

writeFileSync(new URL('../docs/patterns.md', import.meta.url), renderCatalogue(loadPatterns()));
console.log('docs/patterns.md written');
