import { ConfigSource, type ConfigSourceName } from './types.js';

const CONFIG_SOURCE_NAMES = Object.fromEntries(
  Object.entries(ConfigSource).map(([name, id]) => [id, name as ConfigSourceName]),
) as Record<number, ConfigSourceName>;

/** A ConfigSource id by name (`TOPIC_CONFIG`, `DEFAULT_CONFIG`, ...); UNKNOWN for ids Kafka may add later. */
export function configSourceName(source: number): ConfigSourceName {
  return CONFIG_SOURCE_NAMES[source] ?? 'UNKNOWN';
}
