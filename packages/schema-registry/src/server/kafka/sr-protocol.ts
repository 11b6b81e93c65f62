/**
 * Confluent Schema Registry's group protocol for leader election (protocol type "sr", subprotocol "v0"), byte for
 * byte: a member's metadata is its `SchemaRegistryIdentity` as JSON, the group leader's assignment (the same for
 * every member) names the elected registry leader. Samsa and Confluent instances can therefore share one group.
 */

export const SR_PROTOCOL_TYPE = 'sr';
export const SR_SUBPROTOCOL = 'v0';

/** Who a registry instance is: where it serves HTTP, and whether it may lead. */
export interface RegistryIdentity {
  scheme: string;
  host: string;
  port: number;
  leaderEligibility: boolean;
}

/** The outcome the group leader hands every member. */
export interface ElectionResult {
  /** 0, or DUPLICATE_URLS when two members advertise the same URL (then nobody leads). */
  error: number;
  /** Kafka member id of the registry leader, or null when no member is eligible. */
  leaderMemberId: string | null;
  leader: RegistryIdentity | null;
}

export const NO_ERROR = 0;
export const DUPLICATE_URLS = 1;

export function identityUrl(identity: RegistryIdentity): string {
  const host =
    identity.host.includes(':') && !identity.host.startsWith('[') ? `[${identity.host}]` : identity.host;
  return `${identity.scheme}://${host}:${identity.port}`;
}

/** An identity from an advertised URL such as `http://registry-1.internal:8081`. */
export function identityFromUrl(url: string, leaderEligibility: boolean): RegistryIdentity {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(
      `The advertised URL ${JSON.stringify(url)} is not a URL; give one like http://host:8081`,
    );
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https') {
    throw new TypeError(`The advertised URL ${JSON.stringify(url)} must be http:// or https://`);
  }
  const port = parsed.port === '' ? (scheme === 'https' ? 443 : 80) : Number(parsed.port);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return { scheme, host, port, leaderEligibility };
}

function identityJson(identity: RegistryIdentity) {
  // Jackson's property order for SchemaRegistryIdentity; "master_eligibility" is the wire name.
  return {
    version: 1,
    host: identity.host,
    port: identity.port,
    master_eligibility: identity.leaderEligibility,
    scheme: identity.scheme,
  };
}

function parseIdentity(value: unknown): RegistryIdentity | null {
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.host !== 'string' || typeof v.port !== 'number') return null;
  return {
    host: v.host,
    port: v.port,
    // Confluent defaults a missing scheme to http; eligibility is always written.
    scheme: typeof v.scheme === 'string' && v.scheme !== '' ? v.scheme : 'http',
    leaderEligibility: v.master_eligibility === true,
  };
}

export function encodeIdentity(identity: RegistryIdentity): Buffer {
  return Buffer.from(JSON.stringify(identityJson(identity)));
}

/** A member's metadata, or null when it is not a registry identity (a member of another kind in the group). */
export function decodeIdentity(metadata: Buffer): RegistryIdentity | null {
  try {
    return parseIdentity(JSON.parse(metadata.toString('utf8')));
  } catch {
    return null;
  }
}

export function encodeElection(result: ElectionResult): Buffer {
  // Confluent's Assignment is @JsonInclude(NON_EMPTY): a missing leader is left out, not null.
  const json: Record<string, unknown> = { version: 1, error: result.error };
  if (result.leaderMemberId !== null) json.master = result.leaderMemberId;
  if (result.leader !== null) json.master_identity = identityJson(result.leader);
  return Buffer.from(JSON.stringify(json));
}

export function decodeElection(assignment: Buffer): ElectionResult {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(assignment.toString('utf8'));
  } catch {
    throw new TypeError('The group leader sent an election result that is not JSON');
  }
  return {
    error: typeof json.error === 'number' ? json.error : NO_ERROR,
    leaderMemberId: typeof json.master === 'string' ? json.master : null,
    leader: parseIdentity(json.master_identity),
  };
}

/**
 * Confluent's rule (SchemaRegistryCoordinator.onLeaderElected, non-sticky): the leader-eligible member with the
 * lexicographically smallest URL; DUPLICATE_URLS when two members advertise the same URL.
 */
export function electLeader(
  members: { memberId: string; identity: RegistryIdentity | null }[],
): ElectionResult {
  let leader: { memberId: string; identity: RegistryIdentity; url: string } | null = null;
  const urls = new Set<string>();
  let registries = 0;
  for (const { memberId, identity } of members) {
    if (identity === null) continue;
    registries++;
    // Compared as Confluent's getUrl() formats it (no brackets around IPv6), so mixed groups agree.
    const url = `${identity.scheme}://${identity.host}:${identity.port}`;
    urls.add(url);
    if (identity.leaderEligibility && (leader === null || url < leader.url))
      leader = { memberId, identity, url };
  }
  if (urls.size !== registries) return { error: DUPLICATE_URLS, leaderMemberId: null, leader: null };
  return { error: NO_ERROR, leaderMemberId: leader?.memberId ?? null, leader: leader?.identity ?? null };
}
