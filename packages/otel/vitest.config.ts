import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@samsa/source'] },
  ssr: { resolve: { conditions: ['@samsa/source'] } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000 },
});
