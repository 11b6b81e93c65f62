import type {
  Direction,
  FormatIncompatibility,
  LocatedIncompatibility,
  SubjectIncompatibility,
} from './levels.js';
import { describeIncompatibility, formatDifference } from './messages.js';
import { checkCompatibility, type Incompatibility } from './reader-writer.js';

/**
 * What checking compatibility needs to know about a schema format: which problems stop a reader schema from
 * reading data written with a writer schema, and how Confluent's registry words each one for the direction it
 * was found in (BACKWARD: the new schema reads the old; FORWARD: the old reads the new).
 */
export interface CompatibilityRules<S, I extends FormatIncompatibility = FormatIncompatibility> {
  readable(reader: S, writer: S): I[];
  /** Confluent's description, its roles ("new", "old") filled in by direction. */
  describe(incompatibility: LocatedIncompatibility<I>): string;
  /** The entry Confluent lists in verbose results and in the register-409 message. */
  difference(incompatibility: LocatedIncompatibility<I>): string;
}

/** [reader role, writer role] for a direction. */
export function rolesOf(direction: Direction): [string, string] {
  return direction === 'new-reads-old' ? ['new', 'old'] : ['old', 'new'];
}

/** Avro: Apache Avro's schema resolution (`SchemaCompatibility`), as Confluent applies it. */
export const avroRules: CompatibilityRules<unknown, Incompatibility> = {
  readable: (reader, writer) => checkCompatibility(reader, writer).incompatibilities,
  describe: (incompatibility) => describeIncompatibility(incompatibility as SubjectIncompatibility),
  difference: (incompatibility) => formatDifference(incompatibility as SubjectIncompatibility),
};
