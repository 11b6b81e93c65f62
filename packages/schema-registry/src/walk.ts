/**
 * Recursive walks without recursion on the call stack. A schema read from a registry's log may nest thousands of
 * levels deep, deeper than JavaScript's stack allows, so the walks that must follow it (parsing, compatibility)
 * are written as generators that yield their sub-walks; `runWalk` keeps the pending ones on a heap-allocated stack.
 *
 *   function* depth(node: Node): Walk<number> {
 *     let max = 0;
 *     for (const child of node.children) max = Math.max(max, yield* descend(depth(child)));
 *     return max + 1;
 *   }
 *   runWalk(depth(root));
 */

/** A walk that yields sub-walks and returns a T. */
export type Walk<T> = Generator<Walk<unknown>, T, unknown>;

/** Runs a sub-walk and returns its result: `const value = yield* descend(child(...))`. */
export function* descend<T>(walk: Walk<T>): Walk<T> {
  // Delegation goes one level deep only: this generator hands the sub-walk to runWalk, which runs it.
  return (yield walk) as T;
}

/** Runs a walk to completion, however deep its sub-walks nest; an exception propagates through the walks. */
export function runWalk<T>(root: Walk<T>): T {
  const stack: Walk<unknown>[] = [root];
  let sent: unknown;
  let failure: { error: unknown } | undefined;
  for (;;) {
    const top = stack[stack.length - 1]!;
    let step: IteratorResult<Walk<unknown>, unknown>;
    try {
      step = failure ? top.throw(failure.error) : top.next(sent);
    } catch (error) {
      stack.pop();
      if (stack.length === 0) throw error;
      failure = { error };
      continue;
    }
    failure = undefined;
    if (step.done) {
      stack.pop();
      if (stack.length === 0) return step.value as T;
      sent = step.value;
    } else {
      stack.push(step.value);
      sent = undefined;
    }
  }
}
