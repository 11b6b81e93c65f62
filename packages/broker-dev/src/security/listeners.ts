/**
 * Listeners as Kafka configures them: `listeners=NAME://host:port,...`, `advertised.listeners` with the
 * addresses clients are told to use, and `listener.security.protocol.map` from listener names to security
 * protocols (a listener named after a protocol needs no entry, as in Kafka). Every broker of the in-process
 * cluster gets every listener; with a fixed port, broker N listens on port + N - 1.
 */

export const SECURITY_PROTOCOLS = ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'] as const;
export type SecurityProtocol = (typeof SECURITY_PROTOCOLS)[number];

/** One `NAME://host:port` entry. */
export interface ListenerAddress {
  name: string;
  host: string;
  port: number;
}

/** A listener every broker opens, and what it advertises. */
export interface ListenerConfig {
  name: string;
  securityProtocol: SecurityProtocol;
  /** Interface to bind. */
  host: string;
  /** Port of broker 1 (0: a random port per broker). */
  port: number;
  /** Host handed out in Metadata to clients that connected to this listener. */
  advertisedHost: string;
  /** Port handed out for broker 1 (0: the port actually bound). */
  advertisedPort: number;
}

export class ListenerConfigError extends Error {
  override name = 'ListenerConfigError';
}

const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

export function isSecurityProtocol(value: string): value is SecurityProtocol {
  return (SECURITY_PROTOCOLS as readonly string[]).includes(value);
}

/** Whether connections to a listener of this protocol start with a TLS handshake. */
export function usesTls(protocol: SecurityProtocol): boolean {
  return protocol === 'SSL' || protocol === 'SASL_SSL';
}

/** Whether clients of a listener of this protocol must authenticate with SASL. */
export function usesSasl(protocol: SecurityProtocol): boolean {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL';
}

/** Parses `NAME://host:port` (`[::1]` for IPv6; an empty host binds every interface, as in Kafka). */
export function parseListenerAddress(text: string): ListenerAddress {
  const match = /^([^:/]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/.exec(text.trim());
  if (!match) {
    throw new ListenerConfigError(
      `Listener '${text}' is not NAME://host:port (e.g. SASL_SSL://127.0.0.1:9093).`,
    );
  }
  const [, rawName, rawHost, rawPort] = match;
  const name = rawName.toUpperCase();
  if (!NAME_PATTERN.test(name))
    throw new ListenerConfigError(`Listener name '${rawName}' has invalid characters.`);
  const port = Number(rawPort);
  if (!Number.isInteger(port) || port > 65535)
    throw new ListenerConfigError(`Port ${rawPort} of '${text}' is out of range.`);
  const host = rawHost.startsWith('[') ? rawHost.slice(1, -1) : rawHost;
  return { name, host: host === '' ? '0.0.0.0' : host, port };
}

/** Parses `NAME:PROTOCOL,NAME:PROTOCOL` (Kafka's listener.security.protocol.map). */
export function parseSecurityProtocolMap(text: string): Record<string, SecurityProtocol> {
  const map: Record<string, SecurityProtocol> = {};
  for (const entry of text.split(',')) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const colon = trimmed.indexOf(':');
    const protocol = trimmed.slice(colon + 1).toUpperCase();
    if (colon <= 0 || !isSecurityProtocol(protocol)) {
      throw new ListenerConfigError(
        `'${trimmed}' is not NAME:PROTOCOL with PROTOCOL one of ${SECURITY_PROTOCOLS.join(', ')}.`,
      );
    }
    map[trimmed.slice(0, colon).toUpperCase()] = protocol;
  }
  return map;
}

export interface ListenerSettings {
  /** `NAME://host:port` entries (or parsed ones); none: one PLAINTEXT listener on defaultHost:defaultPort. */
  listeners?: ReadonlyArray<string | ListenerAddress>;
  /** What each listener advertises, by name; a listener not named advertises its own address. */
  advertisedListeners?: ReadonlyArray<string | ListenerAddress>;
  /** Listener name to security protocol, for names that are not protocols themselves. */
  securityProtocolMap?: Readonly<Record<string, string>>;
  defaultHost: string;
  defaultPort: number;
  /** Brokers that will listen: fixed ports must leave room for all of them. */
  brokers: number;
}

/** Checks and combines the listener settings into one config per listener, in the order given. */
export function resolveListeners(settings: ListenerSettings): ListenerConfig[] {
  const parse = (entry: string | ListenerAddress): ListenerAddress =>
    typeof entry === 'string' ? parseListenerAddress(entry) : { ...entry, name: entry.name.toUpperCase() };
  const protocolMap = new Map<string, SecurityProtocol>();
  for (const [name, protocol] of Object.entries(settings.securityProtocolMap ?? {})) {
    const upper = protocol.toUpperCase();
    if (!isSecurityProtocol(upper)) {
      throw new ListenerConfigError(
        `Listener ${name} maps to '${protocol}'; use one of ${SECURITY_PROTOCOLS.join(', ')}.`,
      );
    }
    protocolMap.set(name.toUpperCase(), upper);
  }
  const addresses =
    settings.listeners && settings.listeners.length > 0
      ? settings.listeners.map(parse)
      : [{ name: 'PLAINTEXT', host: settings.defaultHost, port: settings.defaultPort }];
  const advertised = new Map<string, ListenerAddress>();
  for (const entry of settings.advertisedListeners ?? []) {
    const address = parse(entry);
    if (!addresses.some((a) => a.name === address.name)) {
      throw new ListenerConfigError(
        `Advertised listener ${address.name} is not one of the listeners (${addresses.map((a) => a.name).join(', ')}).`,
      );
    }
    if (advertised.has(address.name))
      throw new ListenerConfigError(`Listener ${address.name} is advertised twice.`);
    advertised.set(address.name, address);
  }
  const seen = new Set<string>();
  const ports = new Map<string, string>();
  return addresses.map((address) => {
    if (seen.has(address.name)) throw new ListenerConfigError(`Listener ${address.name} is given twice.`);
    seen.add(address.name);
    const securityProtocol =
      protocolMap.get(address.name) ?? (isSecurityProtocol(address.name) ? address.name : undefined);
    if (!securityProtocol) {
      throw new ListenerConfigError(
        `Listener ${address.name} has no security protocol: name it after one (${SECURITY_PROTOCOLS.join(', ')}) ` +
          `or map it with --listener-security-protocol-map ${address.name}:SASL_SSL.`,
      );
    }
    if (address.port !== 0) {
      if (address.port + settings.brokers - 1 > 65535) {
        throw new ListenerConfigError(
          `Port ${address.port} of ${address.name} leaves no room for ${settings.brokers} brokers.`,
        );
      }
      for (let i = 0; i < settings.brokers; i++) {
        const other = ports.get(`${address.host}:${address.port + i}`);
        if (other)
          throw new ListenerConfigError(
            `Listeners ${other} and ${address.name} share port ${address.port + i}.`,
          );
        ports.set(`${address.host}:${address.port + i}`, address.name);
      }
    }
    const ad = advertised.get(address.name);
    const bindsEverything = address.host === '0.0.0.0' || address.host === '::';
    return {
      name: address.name,
      securityProtocol,
      host: address.host,
      port: address.port,
      advertisedHost: ad?.host ?? (bindsEverything ? '127.0.0.1' : address.host),
      advertisedPort: ad?.port ?? 0,
    };
  });
}

/** `NAME://host:port,...` as Kafka prints listeners. */
export function formatListeners(
  entries: ReadonlyArray<{ name: string; host: string; port: number }>,
): string {
  return entries
    .map((e) => `${e.name}://${e.host.includes(':') ? `[${e.host}]` : e.host}:${e.port}`)
    .join(',');
}
