import { describe, expect, it } from 'vitest';
import { descend, runWalk, type Walk } from '../src/walk.js';

interface Node {
  children: Node[];
}

function chain(length: number): Node {
  let node: Node = { children: [] };
  for (let i = 1; i < length; i++) node = { children: [node] };
  return node;
}

function* depth(node: Node): Walk<number> {
  let deepest = 0;
  for (const child of node.children) deepest = Math.max(deepest, yield* descend(depth(child)));
  return deepest + 1;
}

function recursiveDepth(node: Node): number {
  let deepest = 0;
  for (const child of node.children) deepest = Math.max(deepest, recursiveDepth(child));
  return deepest + 1;
}

describe('runWalk', () => {
  it('returns what the walk returns, through sub-walks', () => {
    const tree: Node = { children: [chain(3), { children: [] }, chain(5)] };
    expect(runWalk(depth(tree))).toBe(6);
  });

  it('walks deeper than the call stack allows', () => {
    const deep = chain(200_000);
    expect(() => recursiveDepth(deep)).toThrow(RangeError);
    expect(runWalk(depth(deep))).toBe(200_000);
  });

  it('propagates an error up through the walks, which may catch it', () => {
    function* failing(levels: number): Walk<number> {
      if (levels === 0) throw new Error('at the bottom');
      return yield* descend(failing(levels - 1));
    }
    expect(() => runWalk(failing(100_000))).toThrow('at the bottom');

    function* recovering(): Walk<string> {
      try {
        yield* descend(failing(10));
        return 'not reached';
      } catch (error) {
        return `caught: ${(error as Error).message}`;
      }
    }
    expect(runWalk(recovering())).toBe('caught: at the bottom');
  });
});
