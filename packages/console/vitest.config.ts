import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@samsa/source'] },
  ssr: { resolve: { conditions: ['@samsa/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    // The front end is built once per run (when its sources are newer than the bundle), never per test.
    globalSetup: ['test/helpers/build-front-end.ts'],
    testTimeout: 60_000,
    // Pages poll the API every few seconds; a condition on a page gets that long to come true.
    expect: { poll: { timeout: 10_000, interval: 100 } },
    hookTimeout: 60_000,
    // One Chromium at a time on a 2-core machine.
    fileParallelism: false,
  },
});
