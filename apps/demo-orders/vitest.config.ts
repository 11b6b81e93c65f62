import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@samsa/source'] },
  ssr: { resolve: { conditions: ['@samsa/source'] } },
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 60_000 },
});
