/**
 * Reads the topic list out of a "consumer" protocol subscription (ConsumerProtocolSubscription,
 * every version starts with Version int16 + Topics []string). The coordinator never interprets
 * member metadata otherwise; OffsetDelete needs to know which topics a group consumes.
 */
export function subscribedTopics(metadata: Buffer): string[] | undefined {
  try {
    if (metadata.length < 6) return undefined;
    let pos = 2; // version
    const count = metadata.readInt32BE(pos);
    pos += 4;
    if (count < 0 || count > metadata.length) return undefined;
    const topics: string[] = [];
    for (let i = 0; i < count; i++) {
      const length = metadata.readInt16BE(pos);
      pos += 2;
      if (length < 0 || pos + length > metadata.length) return undefined;
      topics.push(metadata.toString('utf8', pos, pos + length));
      pos += length;
    }
    return topics;
  } catch {
    return undefined;
  }
}
