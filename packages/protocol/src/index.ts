/**
 * @samsa/protocol: the Kafka wire protocol. Message types and per-version codecs generated from
 * `protocolSpec`, headers and framing, RecordBatch v2, CRC32C, compression and Kafka's error codes.
 * Every API codec is loaded and registered up front (`@samsa/protocol/on-demand` loads them on first use).
 */

export * from './generated/index.js';
export * from './on-demand.js';
export { protocolSpec } from './spec/index.js';
