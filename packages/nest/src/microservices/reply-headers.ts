/** Request/response headers, the same as @nestjs/microservices' Kafka transport uses. */
export const ReplyHeaders = {
  CORRELATION_ID: 'kafka_correlationId',
  REPLY_TOPIC: 'kafka_replyTopic',
  REPLY_PARTITION: 'kafka_replyPartition',
  ERROR: 'kafka_nest-err',
  IS_DISPOSED: 'kafka_nest-is-disposed',
} as const;
