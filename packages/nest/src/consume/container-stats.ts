export type ContainerState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed';

export interface ContainerStats {
  /** Records the handler finished without error. */
  processed: number;
  /** Handler calls that threw (each retry counts). */
  failures: number;
  /** Records sent to the dead-letter topic. */
  deadLettered: number;
  /** Records given up on without a dead-letter topic (logged). */
  skipped: number;
  /** Handler calls running now. */
  inFlight: number;
}
