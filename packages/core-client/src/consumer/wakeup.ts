/**
 * A control loop's sleep that events cut short: `sleep(ms?)` resolves on the next `wake()`, or after
 * `ms` when given. One sleeper at a time (the loop); a wake with nobody asleep is dropped, since the
 * loop re-checks its state before it sleeps again.
 */
export class Wakeup {
  private resolveSleep: (() => void) | null = null;

  wake(): void {
    const resolve = this.resolveSleep;
    this.resolveSleep = null;
    resolve?.();
  }

  sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      this.resolveSleep = () => {
        if (timer) clearTimeout(timer);
        resolve();
      };
      if (ms !== undefined) timer = setTimeout(() => this.wake(), ms);
    });
  }
}
