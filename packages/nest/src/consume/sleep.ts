/** Resolves true after `ms`, or false as soon as `cancelled()` turns true (checked every `tick` ms). */
export async function sleepUnless(ms: number, cancelled: () => boolean, tick = 50): Promise<boolean> {
  const until = Date.now() + ms;
  while (!cancelled()) {
    const left = until - Date.now();
    if (left <= 0) return true;
    await new Promise((resolve) => setTimeout(resolve, Math.min(tick, left)));
  }
  return false;
}
