/** The brokers of the in-process cluster: node ids, advertised addresses and whether each is up. */
export interface BrokerNode {
  readonly id: number;
  readonly host: string;
  port: number;
  /** Down brokers are left out of Metadata, lead nothing and accept no connections. */
  up: boolean;
  readonly rack: string | null;
}
