/** Avro name rules (the spec's `[A-Za-z_][A-Za-z0-9_]*`, as Java's strict NameValidator applies them). */

const INITIAL = /^[A-Za-z_]$/;
const REST = /^[A-Za-z0-9_]*$/;

/** Returns a problem description, or undefined when the name is valid. */
export function validateName(name: string): string | undefined {
  if (name.length === 0) return 'Empty name: names must not be empty';
  if (!INITIAL.test(name[0]!)) return `Illegal initial character in name: ${name}`;
  if (!REST.test(name.slice(1))) return `Illegal character in name: ${name}`;
  return undefined;
}

export function validateNamespace(namespace: string): string | undefined {
  if (namespace === '') return undefined;
  for (const part of namespace.split('.')) {
    const problem = validateName(part);
    if (problem) return problem.replace('name', 'namespace');
  }
  return undefined;
}

/** Splits a full name into namespace and unqualified name. */
export function splitFullName(fullName: string): { namespace: string; name: string } {
  const lastDot = fullName.lastIndexOf('.');
  return lastDot < 0
    ? { namespace: '', name: fullName }
    : { namespace: fullName.slice(0, lastDot), name: fullName.slice(lastDot + 1) };
}
