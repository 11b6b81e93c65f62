/** A fetched record as the API shows it: key and value decoded for display, headers as text or hex. */
import type { KafkaMessage, MessageHeaders } from '@samsa/core-client';
import type { DisplayedData, RecordView } from '../../api/types.js';
import { RecordDisplay } from './record-display.js';

export async function toRecordView(
  display: RecordDisplay,
  topic: string,
  message: KafkaMessage,
): Promise<RecordView> {
  const [key, value] = await Promise.all([
    display.decode(topic, message.key),
    display.decode(topic, message.value),
  ]);
  return {
    partition: message.partition,
    offset: message.offset,
    timestamp: Number(message.timestamp),
    key,
    value,
    headers: headerViews(message.headers),
    size: (message.key?.length ?? 0) + (message.value?.length ?? 0),
  };
}

function headerViews(headers: MessageHeaders): { key: string; value: DisplayedData }[] {
  const out: { key: string; value: DisplayedData }[] = [];
  for (const [key, raw] of Object.entries(headers)) {
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      out.push({ key, value: RecordDisplay.header(value ?? null) });
    }
  }
  return out;
}
