/**
 * Finds where a JSON pointer's value starts in a JSON text (1-based line and column), so CI annotations can point
 * at the line of a schema file. Returns undefined when the text is not JSON or the pointer does not resolve.
 */
export function locateJsonPointer(
  text: string,
  pointer: string,
): { line: number; column: number } | undefined {
  const tokens =
    pointer === '' || pointer === '/'
      ? []
      : pointer
          .slice(1)
          .split('/')
          .map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
  let pos = 0;
  const skipWhitespace = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const skipString = () => {
    pos++; // opening quote
    while (pos < text.length && text[pos] !== '"') pos += text[pos] === '\\' ? 2 : 1;
    pos++;
  };
  const readString = (): string => {
    const start = pos;
    skipString();
    return JSON.parse(text.slice(start, pos)) as string;
  };
  const skipValue = (): void => {
    skipWhitespace();
    const c = text[pos];
    if (c === '"') {
      skipString();
      return;
    }
    if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      pos++;
      skipWhitespace();
      if (text[pos] === close) {
        pos++;
        return;
      }
      for (;;) {
        skipWhitespace();
        if (c === '{') {
          readString();
          skipWhitespace();
          pos++; // colon
        }
        skipValue();
        skipWhitespace();
        if (text[pos] === ',') pos++;
        else {
          pos++;
          return;
        }
      }
    }
    while (pos < text.length && !/[\s,\]}]/.test(text[pos]!)) pos++;
  };
  const descend = (token: string): boolean => {
    skipWhitespace();
    const c = text[pos];
    if (c !== '{' && c !== '[') return false;
    pos++;
    let index = 0;
    for (;;) {
      skipWhitespace();
      if (text[pos] === '}' || text[pos] === ']' || pos >= text.length) return false;
      let matches: boolean;
      if (c === '{') {
        const key = readString();
        skipWhitespace();
        pos++; // colon
        matches = key === token;
      } else {
        matches = String(index) === token;
      }
      skipWhitespace();
      if (matches) return true;
      skipValue();
      skipWhitespace();
      if (text[pos] === ',') pos++;
      index++;
    }
  };
  try {
    for (const token of tokens) if (!descend(token)) return undefined;
    skipWhitespace();
  } catch {
    return undefined;
  }
  if (pos >= text.length) return undefined;
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return { line, column };
}
