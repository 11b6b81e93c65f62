/**
 * A maximum-cardinality matching in a bipartite graph (left vertices 0..leftCount-1, right 0..rightCount-1),
 * found with augmenting paths searched breadth first, without recursion. Returns the matched edges as
 * [left, right] pairs. Used to pair the subschemas of two combined JSON schemas (Confluent's
 * `MaximumCardinalityMatch`).
 */
export function maximumMatching(
  leftCount: number,
  rightCount: number,
  edges: ReadonlyArray<readonly [number, number]>,
): Array<[number, number]> {
  const adjacency: number[][] = Array.from({ length: leftCount }, () => []);
  for (const [left, right] of edges) adjacency[left]!.push(right);
  const matchOfRight = new Array<number>(rightCount).fill(-1);
  const matchOfLeft = new Array<number>(leftCount).fill(-1);

  for (let start = 0; start < leftCount; start++) {
    // BFS over alternating paths from `start`; `cameFrom[right]` is the left vertex that reached it.
    const cameFrom = new Array<number>(rightCount).fill(-1);
    const queue = [start];
    let freeRight = -1;
    for (let head = 0; head < queue.length && freeRight < 0; head++) {
      const left = queue[head]!;
      for (const right of adjacency[left]!) {
        if (cameFrom[right] !== -1) continue;
        cameFrom[right] = left;
        if (matchOfRight[right] === -1) {
          freeRight = right;
          break;
        }
        queue.push(matchOfRight[right]!);
      }
    }
    // Flip the path back to `start`.
    for (let right = freeRight; right >= 0; ) {
      const left = cameFrom[right]!;
      const previousRight = matchOfLeft[left]!;
      matchOfLeft[left] = right;
      matchOfRight[right] = left;
      right = left === start ? -1 : previousRight;
    }
  }
  const matching: Array<[number, number]> = [];
  for (let left = 0; left < leftCount; left++) {
    if (matchOfLeft[left]! >= 0) matching.push([left, matchOfLeft[left]!]);
  }
  return matching;
}
