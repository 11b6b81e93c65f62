import { type FieldElement, type MessageElement, mapTypes, type ProtoFile, type ProtoType } from './ast.js';

/** A message or enum by its full name, with the file facts name resolution and compatibility need. */
export interface TypeInfo {
  packageName: string;
  /** The registry reference its file came from; undefined for the schema's own file and well-known files. */
  reference?: { subject: string; version: number };
  type: ProtoType;
  /** A map entry message (from a descriptor): compared and printed as `map<key, value>`. */
  isMap: boolean;
  key?: FieldElement;
  value?: FieldElement;
}

export interface ExtendFieldInfo {
  packageName: string;
  field: FieldElement;
}

/** A file and, for a referenced one, where it was registered. */
export interface IndexedFile {
  file: ProtoFile;
  reference?: { subject: string; version: number };
}

/**
 * Every message, enum and extension field of a schema and the files it imports, by full name (no leading dot),
 * and protobuf's scoping rules to resolve a type name as written (`Status`, `Outer.Status`, `.pkg.Status`).
 */
export class ProtoTypeIndex {
  readonly types = new Map<string, TypeInfo>();
  readonly extendFields = new Map<string, ExtendFieldInfo>();

  /** `files` in dependency order; the schema's own file last (its package is the default scope). */
  constructor(files: readonly IndexedFile[]) {
    for (const { file, reference } of files) {
      const packageName = file.packageName ?? '';
      const prefix = packageName ? [packageName] : [];
      for (const extend of file.extendDeclarations) {
        for (const field of extend.fields)
          this.extendFields.set([...prefix, field.name].join('.'), { packageName, field });
      }
      const stack: Array<{ type: ProtoType; path: string[] }> = file.types.map((type) => ({
        type,
        path: [type.name],
      }));
      while (stack.length > 0) {
        const { type, path } = stack.pop()!;
        const info: TypeInfo = { packageName, type, isMap: false, ...(reference ? { reference } : {}) };
        if (type.kind === 'message') {
          if (isMapEntry(type)) {
            info.isMap = true;
            info.key = type.fields.find((field) => field.name === 'key');
            info.value = type.fields.find((field) => field.name === 'value');
          }
          for (const extend of type.extendDeclarations) {
            for (const field of extend.fields) {
              this.extendFields.set([...prefix, ...path, field.name].join('.'), { packageName, field });
            }
          }
          for (const nested of type.nestedTypes) stack.push({ type: nested, path: [...path, nested.name] });
        }
        this.types.set([...prefix, ...path].join('.'), info);
      }
    }
  }

  /**
   * Resolves a name as written inside `scope` (the package and the enclosing message names), innermost scope
   * first, as protoc does; undefined when nothing by that name exists.
   */
  resolve(
    name: string,
    scope: { packageName: string; path: readonly string[] },
    table: 'types' | 'extends' = 'types',
  ): string | undefined {
    const known = table === 'types' ? this.types : this.extendFields;
    if (name.startsWith('.')) return known.has(name.slice(1)) ? name.slice(1) : undefined;
    const prefix = [...(scope.packageName ? scope.packageName.split('.') : []), ...scope.path];
    for (let length = prefix.length; length > 0; length--) {
      const candidate = `${prefix.slice(0, length).join('.')}.${name}`;
      if (known.has(candidate)) return candidate;
    }
    return known.has(name) ? name : undefined;
  }

  typeOf(name: string, scope: { packageName: string; path: readonly string[] }): TypeInfo | undefined {
    const full = this.resolve(name, scope);
    return full === undefined ? undefined : this.types.get(full);
  }
}

export function isMapEntry(message: MessageElement): boolean {
  return message.options.some(
    (option) => option.name === 'map_entry' && option.value.kind === 'boolean' && option.value.value,
  );
}

/** `map<key, value>` for a map entry message (as Confluent compares and prints it). */
export function mapTypeOf(info: TypeInfo): string | undefined {
  return info.isMap && info.key && info.value ? `map<${info.key.type}, ${info.value.type}>` : undefined;
}

export { mapTypes };
