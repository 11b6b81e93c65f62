/** The brokers of the in-process cluster: node ids, advertised addresses and whether each is up. */
export interface BrokerNode {
  readonly id: number;
  /** Advertised address on the first listener (what `bootstrap` lists). */
  host: string;
  port: number;
  /** Down brokers are left out of Metadata, lead nothing and accept no connections. */
  up: boolean;
  readonly rack: string | null;
  /** Advertised address per listener name; a listener not in it advertises host:port. */
  readonly advertised?: Map<string, { host: string; port: number }>;
}

/** Where clients of listener `listenerName` reach `node` (Kafka answers with the same listener's endpoint). */
export function advertisedAddress(node: BrokerNode, listenerName: string): { host: string; port: number } {
  return node.advertised?.get(listenerName) ?? { host: node.host, port: node.port };
}
