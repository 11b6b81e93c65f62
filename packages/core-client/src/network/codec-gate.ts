/**
 * The protocol loads each API's codec on first use (@samsa/protocol/on-demand). A connection's
 * request for an API whose codec is not loaded yet waits here, and so does every request made while
 * one waits: requests go out in the order they were made.
 */
import { loadApiCodec, loadedApiCodec } from '@samsa/protocol/on-demand';

export class CodecGate {
  private wait: Promise<void> | null = null;

  /** Whether a request of `apiKey` must go through `defer` (a field read and an array index). */
  mustWait(apiKey: number): boolean {
    return this.wait !== null || loadedApiCodec(apiKey) === undefined;
  }

  /** Calls `write` once the codec of `apiKey` is loaded and every request deferred before it was written. */
  defer<T>(apiKey: number, write: () => Promise<T>): Promise<T> {
    let written!: Promise<T>;
    const link = (this.wait ?? Promise.resolve())
      .then(() => loadApiCodec(apiKey))
      .then(
        () => {
          written = write();
        },
        (err: unknown) => {
          written = Promise.reject(err);
        },
      );
    this.wait = link;
    void link.then(() => {
      if (this.wait === link) this.wait = null;
    });
    return link.then(() => written);
  }
}
