/**
 * Transport servers (`SamsaServer`) that are listening. Nest closes a hybrid app's transports in
 * `dispose()`, after every module's `onModuleDestroy`: too late to stop consuming before a database
 * module closes. `SamsaModule` (and `SamsaTransportModule`) drain them from `onModuleDestroy` instead.
 */
export interface DrainableTransport {
  /** Stops fetching, finishes in-flight handlers, commits and leaves the groups. Idempotent. */
  drain(): Promise<void>;
}

const listening = new Set<DrainableTransport>();

export const transportRegistry = {
  add(transport: DrainableTransport): void {
    listening.add(transport);
  },
  remove(transport: DrainableTransport): void {
    listening.delete(transport);
  },
  async drainAll(): Promise<void> {
    await Promise.all([...listening].map((transport) => transport.drain()));
  },
};
