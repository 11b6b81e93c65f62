import { RegistryErrors } from './errors.js';

/** Subjects Confluent refuses: blank, with control characters, or the names it reserves for itself. */
export function assertValidSubject(subject: string): void {
  const hasControlCharacter = [...subject].some((c) => c.charCodeAt(0) < 0x20);
  if (subject.trim() === '' || hasControlCharacter || subject === '__GLOBAL' || subject === '__EMPTY') {
    throw RegistryErrors.invalidSubject(subject);
  }
}
