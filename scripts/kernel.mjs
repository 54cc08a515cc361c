// Assembles the scan kernel (src/scan/kernel.wat, WebAssembly text) into dist/scan/kernel.wasm,
// which src/scan/kernel.ts loads. Run by `npm run build` and `prepare`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import wabtInit from 'wabt';

const source = 'src/scan/kernel.wat';
const wabt = await wabtInit();
const module = wabt.parseWat(source, readFileSync(source, 'utf8'), { simd: true, bulk_memory: true });
try {
  module.validate();
  mkdirSync('dist/scan', { recursive: true });
  writeFileSync('dist/scan/kernel.wasm', module.toBinary({}).buffer);
} finally {
  module.destroy();
}
