import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@samsa/source'] },
  ssr: { resolve: { conditions: ['@samsa/source'] } },
  // Nest needs legacy decorators with design:* metadata in test files too (tsconfig.json covers only src/).
  oxc: { decorator: { legacy: true, emitDecoratorMetadata: true } },
  test: { include: ['test/**/*.test.ts'], testTimeout: 30_000, hookTimeout: 30_000 },
});
