import type { CompatibilityLevel } from '../../compatibility/levels.js';
import { MAX_NESTING_DEPTH } from '../../nesting.js';
import { RegistryState } from '../state.js';
import type { RegistryLog } from '../store.js';
import { CompatibilityChecks } from './compatibility.js';
import { RegistryConfig } from './config.js';
import { LogWriter } from './log-writer.js';
import { SchemaLookups } from './lookups.js';
import { Registrar } from './registrar.js';
import { SchemaReader } from './schema-reader.js';
import { Subjects } from './subjects.js';

export interface RegistryOptions {
  /** The compatibility level used when neither the subject nor the global config sets one (default BACKWARD). */
  defaultCompatibility?: CompatibilityLevel;
  /** Largest schema string accepted at registration, in characters (default 1 MiB). */
  maxSchemaChars?: number;
  /**
   * How deep a submitted schema may nest (default `MAX_NESTING_DEPTH`, 1000, as Jackson's default limit for
   * Confluent's registry); deeper ones are refused as invalid (42201). Stored versions are read at any depth.
   */
  maxNestingDepth?: number;
}

/**
 * The registry's behaviour, independent of HTTP: Confluent's semantics for subjects, versions, ids, deletes,
 * config, mode and compatibility, over a RegistryLog that every instance replays into its state. Operations take
 * typed input and throw RegistryOperationError; writes must only run on the leader (the HTTP layer forwards them).
 */
export class Registry {
  readonly state = new RegistryState();
  /** Compatibility levels and modes. */
  readonly config: RegistryConfig;
  /** Subjects and their versions: list, read, delete. */
  readonly subjects: Subjects;
  /** Registering schemas. */
  readonly registrar: Registrar;
  /** Schemas by id, by content, and by reference. */
  readonly schemas: SchemaLookups;
  /** Compatibility tests. */
  readonly compatibility: CompatibilityChecks;
  private readonly writer: LogWriter;

  constructor(
    private readonly log: RegistryLog,
    options: RegistryOptions = {},
  ) {
    this.writer = new LogWriter(log);
    const reader = new SchemaReader(
      this.state,
      options.maxSchemaChars ?? 1024 * 1024,
      options.maxNestingDepth ?? MAX_NESTING_DEPTH,
    );
    this.config = new RegistryConfig(this.state, this.writer, options.defaultCompatibility ?? 'BACKWARD');
    this.subjects = new Subjects(this.state, this.writer, this.config);
    this.compatibility = new CompatibilityChecks(this.state, this.config, reader);
    this.registrar = new Registrar(this.state, this.writer, this.config, reader, this.compatibility);
    this.schemas = new SchemaLookups(this.state, this.subjects, reader);
  }

  async start(): Promise<void> {
    await this.log.start((record) => this.state.apply(record));
  }

  async close(): Promise<void> {
    await this.writer.drain();
    await this.log.close();
  }

  /** Resolves once everything in the log when called has been applied here (a follower after a forwarded write). */
  catchUp(): Promise<void> {
    return this.log.catchUp();
  }
}
