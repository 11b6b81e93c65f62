/**
 * Aligned columns for people: a header row, then one row per item, columns two spaces apart, numbers right-aligned.
 * Cells may carry colours (from a Style); widths count what shows. For scripts, commands print JSON instead.
 */
import { stripVTControlCharacters } from 'node:util';
import { createStyle, type Style } from './style.js';

export interface Column {
  header: string;
  /** Default: right for columns whose every cell is a number (or `-`), left otherwise. */
  align?: 'left' | 'right';
}

/** A number as a cell shows it (`12`, `-3`, `1,024`, `0.5`), a missing value (`-`), or nothing. */
const NUMBER = /^(-?\d{1,3}(,\d{3})+(\.\d+)?|-?\d+(\.\d+)?|-)?$/;

/** The rows under `columns` as aligned text, one line each (with a trailing newline); the header in bold. */
export function formatTable(
  columns: readonly (Column | string)[],
  rows: readonly (readonly (string | number | bigint | null | undefined)[])[],
  style: Style = createStyle(false),
): string {
  const specs = columns.map((c) => (typeof c === 'string' ? { header: c } : c));
  const cells = rows.map((row) => specs.map((_, i) => cellText(row[i])));
  const widths = specs.map((spec, i) =>
    Math.max(visibleWidth(spec.header), ...cells.map((row) => visibleWidth(row[i]))),
  );
  const aligns = specs.map(
    (spec, i) =>
      spec.align ??
      (cells.length > 0 && cells.every((row) => NUMBER.test(stripVTControlCharacters(row[i])))
        ? 'right'
        : 'left'),
  );
  const line = (row: string[], decorate: (text: string) => string = (t) => t) =>
    row
      .map((text, i) => {
        const gap = ' '.repeat(widths[i] - visibleWidth(text));
        const last = i === row.length - 1;
        if (aligns[i] === 'right') return gap + decorate(text);
        return decorate(text) + (last ? '' : gap);
      })
      .join('  ')
      .trimEnd();
  return `${[
    line(
      specs.map((s) => s.header),
      style.bold,
    ),
    ...cells.map((row) => line(row)),
  ].join('\n')}\n`;
}

function cellText(value: string | number | bigint | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return String(value);
}

/** Columns a text takes on a terminal: escape sequences take none, wide (East Asian, emoji) characters two. */
export function visibleWidth(text: string): number {
  let width = 0;
  for (const char of stripVTControlCharacters(text)) {
    const code = char.codePointAt(0)!;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1faff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
