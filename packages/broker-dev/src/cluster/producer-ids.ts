/**
 * Producer ids, for idempotent and transactional producers alike (Kafka hands them out in blocks
 * from the controller; one in-process cluster needs only a counter).
 */
export class ProducerIds {
  /** Starts from the clock so ids from before a restart are not handed out again. */
  private next = Date.now() * 16;

  /** A producer id never handed out before. */
  allocate(): number {
    return this.next++;
  }
}
