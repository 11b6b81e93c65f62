/** Two schema versions side by side, pretty-printed, with removed lines on the left and added lines on the right. */
import { diffLines } from 'diff';
import { pretty } from '../format.js';

interface Row {
  left: string | null;
  right: string | null;
  kind: 'same' | 'removed' | 'added' | 'changed';
}

export function SchemaDiff({ left, right }: { left: string; right: string }) {
  const rows = alignedRows(pretty(left), pretty(right));
  return (
    <div className="diff" data-testid="schema-diff">
      {rows.map((row, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a list that is only ever replaced whole.
        <div key={i} className={`diff-row diff-${row.kind}`}>
          <pre className="diff-cell left">{row.left ?? ''}</pre>
          <pre className="diff-cell right">{row.right ?? ''}</pre>
        </div>
      ))}
    </div>
  );
}

/** diffLines' hunks as rows: a removal followed by an addition pairs up line by line. */
function alignedRows(a: string, b: string): Row[] {
  const rows: Row[] = [];
  const parts = diffLines(a, b);
  const lines = (text: string) => text.replace(/\n$/, '').split('\n');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!part.added && !part.removed) {
      for (const line of lines(part.value)) rows.push({ left: line, right: line, kind: 'same' });
    } else if (part.removed) {
      const next = parts[i + 1];
      const removed = lines(part.value);
      const added = next?.added ? lines(next.value) : [];
      if (next?.added) i++;
      for (let j = 0; j < Math.max(removed.length, added.length); j++) {
        const l = removed[j] ?? null;
        const r = added[j] ?? null;
        rows.push({
          left: l,
          right: r,
          kind: l !== null && r !== null ? 'changed' : l !== null ? 'removed' : 'added',
        });
      }
    } else {
      for (const line of lines(part.value)) rows.push({ left: null, right: line, kind: 'added' });
    }
  }
  return rows;
}
