import type { SchemaInput, SchemaRegistryClient } from '../client/client.js';
import {
  type NamedSubjectStrategy,
  type SubjectNameStrategyName,
  subjectForRecordName,
} from '../client/subject-names.js';

/** How a serializer finds the schema id it writes with (Confluent's serializer settings). */
export interface SchemaIdOptions {
  /** Serializing message keys (the topic strategy then uses `<topic>-key`). Default false. */
  isKey?: boolean;
  subjectNameStrategy?: SubjectNameStrategyName | NamedSubjectStrategy;
  /** Register the schema on first use (Java's `auto.register.schemas`, default true); else look its id up. */
  autoRegister?: boolean;
  /** Write with the subject's latest registered id instead (Java's `use.latest.version`). */
  useLatestVersion?: boolean;
  normalize?: boolean;
}

/**
 * The schema id a serializer writes with, per topic: registered (or looked up, or the subject's latest) once per
 * subject, then known synchronously, so the hot path encodes without awaiting anything.
 */
export class SchemaIds {
  private readonly bySubject = new Map<string, Promise<number>>();
  private readonly byTopic = new Map<string, number>();

  constructor(
    private readonly client: SchemaRegistryClient,
    private readonly input: SchemaInput,
    private readonly recordName: string | undefined,
    private readonly options: SchemaIdOptions,
  ) {}

  subjectOf(topic: string): string {
    return subjectForRecordName(
      this.options.subjectNameStrategy ?? 'topic',
      topic,
      this.options.isKey === true,
      this.recordName,
    );
  }

  /** The id for a topic: a number once known, else a promise of it. */
  forTopic(topic: string): number | Promise<number> {
    const known = this.byTopic.get(topic);
    if (known !== undefined) return known;
    return this.resolve(this.subjectOf(topic)).then((id) => {
      this.byTopic.set(topic, id);
      return id;
    });
  }

  private resolve(subject: string): Promise<number> {
    let id = this.bySubject.get(subject);
    if (!id) {
      const { client, input, options } = this;
      if (options.useLatestVersion) id = client.getLatest(subject).then((latest) => latest.id);
      else if (options.autoRegister === false)
        id = client.lookup(subject, input, { normalize: options.normalize }).then((found) => found.id);
      else id = client.register(subject, input, { normalize: options.normalize });
      this.bySubject.set(subject, id);
      id.catch(() => this.bySubject.delete(subject));
    }
    return id;
  }
}
