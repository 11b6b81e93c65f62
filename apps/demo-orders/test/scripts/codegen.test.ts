import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generateEvents, outputPath } from '../../scripts/codegen.js';

describe('generated event types', () => {
  it('match schemas/*.avsc (run `npm run codegen -w demo-orders` after changing a schema)', () => {
    expect(readFileSync(outputPath, 'utf8')).toBe(generateEvents());
  });
});
