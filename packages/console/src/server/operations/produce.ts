/**
 * Producing one record from the page: key and headers as text, the value as text, as a JSON document (checked), or
 * as Avro from JSON, encoded with the latest schema of a subject (default `<topic>-value`) through the registry.
 * JSON becomes an Avro value by the serializer's `fromJson`, as `samsa produce` reads its lines: bytes as one
 * character per byte, unions bare or as `{"branch": value}`.
 */
import type { IHeaders } from '@samsa/core-client';
import { AvroSerializer } from '@samsa/schema-registry';
import type { ProduceRequest, ProduceResult } from '../../api/types.js';
import { ApiError } from '../errors.js';
import type { OperationsContext } from './context.js';

/** Serializers by schema id: a schema id's text never changes. */
const serializers = new WeakMap<OperationsContext, Map<number, AvroSerializer>>();

export async function produceRecord(
  ctx: OperationsContext,
  topic: string,
  request: ProduceRequest,
  outer?: AbortSignal,
): Promise<ProduceResult> {
  const signal = ctx.signal(outer);
  const partitions = await ctx.admin.fetchTopicOffsets(topic, { signal });
  if (request.partition !== undefined && !partitions.some((p) => p.partition === request.partition)) {
    throw new ApiError(
      400,
      'PARTITION_NOT_FOUND',
      `${topic} has no partition ${request.partition} (it has ${partitions.length})`,
    );
  }
  let value: Buffer | null = null;
  let schemaId: number | undefined;
  if (request.value !== null) {
    switch (request.format) {
      case 'string':
        value = Buffer.from(request.value, 'utf8');
        break;
      case 'json':
        parseJson(request.value);
        value = Buffer.from(request.value, 'utf8');
        break;
      case 'avro': {
        const encoded = await encodeAvro(ctx, request.subject ?? `${topic}-value`, parseJson(request.value));
        value = encoded.value;
        schemaId = encoded.schemaId;
        break;
      }
    }
  }
  const headers: IHeaders = {};
  for (const h of request.headers ?? []) {
    const earlier = headers[h.key];
    headers[h.key] =
      earlier === undefined ? h.value : [...(Array.isArray(earlier) ? earlier : [earlier]), h.value];
  }
  const producer = await ctx.connectedProducer();
  const [sent] = await producer.send({
    topic,
    messages: [
      {
        key: request.key ?? null,
        value,
        headers,
        ...(request.partition !== undefined ? { partition: request.partition } : {}),
      },
    ],
  });
  return {
    partition: sent!.partition,
    offset: sent!.baseOffset,
    ...(schemaId !== undefined ? { schemaId } : {}),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, 'MALFORMED_JSON', `The value is not valid JSON: ${(error as Error).message}`);
  }
}

async function encodeAvro(
  ctx: OperationsContext,
  subject: string,
  json: unknown,
): Promise<{ value: Buffer; schemaId: number }> {
  const registry = ctx.registry;
  if (!registry) {
    throw new ApiError(
      400,
      'NO_REGISTRY',
      'Producing Avro needs a schema registry: start the console with --registry',
    );
  }
  const latest = await registry.getLatest(subject).catch((error) => {
    if ((error as { errorCode?: number }).errorCode === 40401) {
      throw new ApiError(
        404,
        'SUBJECT_NOT_FOUND',
        `Subject ${subject} has no schema; register one first (Schemas page) or pick another subject`,
      );
    }
    throw error;
  });
  let byId = serializers.get(ctx);
  if (!byId) {
    byId = new Map();
    serializers.set(ctx, byId);
  }
  let serializer = byId.get(latest.id);
  if (!serializer) {
    serializer = new AvroSerializer({
      client: registry,
      schema: latest.schema,
      references: latest.references,
    });
    byId.set(latest.id, serializer);
  }
  return { value: serializer.encode(latest.id, serializer.fromJson(json)), schemaId: latest.id };
}
