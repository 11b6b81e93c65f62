import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@samsa/source'] },
  ssr: { resolve: { conditions: ['@samsa/source'] } },
  test: { root: 'scripts', include: ['test/**/*.test.ts'] },
});
