/**
 * Java properties files, as Kafka's tools take them (`--command-config client.properties`): `key=value`,
 * `key: value` or `key value` lines, `#` and `!` comments, `\` line continuations and escapes. Parsing is
 * dot-properties' (the .properties grammar in full); this adds line numbers, for errors that point at the line.
 */
import { readFile } from 'node:fs/promises';
import { parseLines } from 'dot-properties';
import { UsageError } from './errors.js';

export interface Property {
  key: string;
  value: string;
  /** 1-based line of the key, for messages. */
  line: number;
}

/** The key-value pairs of a properties text, in order (a repeated key appears twice; the last one wins). */
export function parseProperties(text: string): Property[] {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const out: Property[] = [];
  for (const node of parseLines(text, true)) {
    if (node.type !== 'PAIR') continue;
    const pair = node as unknown as { key: string; value: string; range: number[] };
    out.push({ key: pair.key, value: pair.value, line: lineOf(pair.range[0]) });
  }
  return out;
}

/** Reads and parses a properties file; a file that cannot be read is a usage error naming `option`. */
export async function readPropertiesFile(path: string, option = '--config'): Promise<Property[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `${option} ${path}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
    );
  }
  return parseProperties(text);
}
