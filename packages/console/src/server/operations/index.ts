/**
 * Every Kafka and registry operation the console server performs, in one place, on the public APIs of
 * @samsa/core-client (admin, producer, consumer) and @samsa/schema-registry (client, serde, compatibility): the
 * same paths the `samsa` CLI uses. Routes call these methods and nothing else.
 */
import type {
  BrowseQuery,
  BrowseResult,
  CompatibilityReport,
  CreateTopicRequest,
  GroupDetails,
  GroupSummary,
  HealthReport,
  OffsetResetRequest,
  OffsetResetResult,
  Overview,
  ProduceRequest,
  ProduceResult,
  SubjectDetails,
  SubjectSummary,
  TopicDetails,
  TopicSummary,
} from '../../api/types.js';
import { browseMessages } from './browse.js';
import { health, overview } from './cluster.js';
import { OperationsContext, type OperationsOptions } from './context.js';
import { describeGroup, listGroups } from './groups.js';
import { resetGroupOffsets } from './offset-reset.js';
import { produceRecord } from './produce.js';
import type { RecordFilterSpec } from './record-filter.js';
import { checkSchema, describeSubject, listSubjects, registerSchema, setCompatibility } from './schemas.js';
import { TailSession } from './tail.js';
import { createTopic, deleteTopic, describeTopic, listTopics } from './topics.js';

export type { OperationsOptions } from './context.js';
export { TailSession } from './tail.js';

export class ConsoleOperations {
  private readonly ctx: OperationsContext;

  constructor(options: OperationsOptions) {
    this.ctx = new OperationsContext(options);
  }

  get brokers(): string[] {
    return this.ctx.options.brokers;
  }

  get registryUrl(): string | null {
    return this.ctx.options.registryUrl ?? null;
  }

  health(): Promise<HealthReport> {
    return health(this.ctx);
  }

  async overview(signal?: AbortSignal): Promise<Overview> {
    await this.ctx.kafkaReady();
    return overview(this.ctx, signal);
  }

  async listTopics(signal?: AbortSignal): Promise<TopicSummary[]> {
    await this.ctx.kafkaReady();
    return listTopics(this.ctx, signal);
  }

  async describeTopic(topic: string, signal?: AbortSignal): Promise<TopicDetails> {
    await this.ctx.kafkaReady();
    return describeTopic(this.ctx, topic, signal);
  }

  async createTopic(request: CreateTopicRequest, signal?: AbortSignal): Promise<void> {
    await this.ctx.kafkaReady();
    return createTopic(this.ctx, request, signal);
  }

  async deleteTopic(topic: string, signal?: AbortSignal): Promise<void> {
    await this.ctx.kafkaReady();
    return deleteTopic(this.ctx, topic, signal);
  }

  async browseMessages(topic: string, query: BrowseQuery, signal?: AbortSignal): Promise<BrowseResult> {
    await this.ctx.kafkaReady();
    return browseMessages(this.ctx, topic, query, signal);
  }

  async produce(topic: string, request: ProduceRequest, signal?: AbortSignal): Promise<ProduceResult> {
    await this.ctx.kafkaReady();
    return produceRecord(this.ctx, topic, request, signal);
  }

  async tail(
    topic: string,
    options: RecordFilterSpec & { partition?: number },
    signal?: AbortSignal,
  ): Promise<TailSession> {
    await this.ctx.kafkaReady();
    return TailSession.start(this.ctx, topic, options, signal);
  }

  async listGroups(signal?: AbortSignal): Promise<GroupSummary[]> {
    await this.ctx.kafkaReady();
    return listGroups(this.ctx, signal);
  }

  async describeGroup(groupId: string, signal?: AbortSignal): Promise<GroupDetails> {
    await this.ctx.kafkaReady();
    return describeGroup(this.ctx, groupId, signal);
  }

  async resetOffsets(
    groupId: string,
    request: OffsetResetRequest,
    signal?: AbortSignal,
  ): Promise<OffsetResetResult> {
    await this.ctx.kafkaReady();
    return resetGroupOffsets(this.ctx, groupId, request, signal);
  }

  listSubjects(): Promise<SubjectSummary[]> {
    return listSubjects(this.ctx);
  }

  async describeSubject(subject: string, signal?: AbortSignal): Promise<SubjectDetails> {
    // The topics that use the subject need Kafka; the schemas do not, so the page works without it.
    await this.ctx.kafkaReady().catch(() => {});
    return describeSubject(this.ctx, subject, signal);
  }

  registerSchema(subject: string, schema: string): Promise<{ id: number }> {
    return registerSchema(this.ctx, subject, schema);
  }

  checkSchema(subject: string, schema: string): Promise<CompatibilityReport> {
    return checkSchema(this.ctx, subject, schema);
  }

  setCompatibility(subject: string, level: string): Promise<string> {
    return setCompatibility(this.ctx, subject, level);
  }

  close(): Promise<void> {
    return this.ctx.close();
  }
}
