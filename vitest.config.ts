// Test limits: a test that waits past these has hung. They are bounds, not measurements (the
// benchmark measures), set for a loaded two-core machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
