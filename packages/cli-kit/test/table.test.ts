import { stripVTControlCharacters } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createStyle } from '../src/style.js';
import { formatTable, visibleWidth } from '../src/table.js';

describe('formatTable', () => {
  it('aligns columns two spaces apart, numbers to the right, and shows missing values as -', () => {
    const text = formatTable(
      ['TOPIC', 'PARTITION', 'LAG'],
      [
        ['orders', 0, 12],
        ['payments.completed', 10, null],
      ],
    );
    expect(text).toBe(
      'TOPIC               PARTITION  LAG\n' +
        'orders                      0   12\n' +
        'payments.completed         10    -\n',
    );
  });

  it('measures cells by what shows, so colours and wide characters keep columns straight', () => {
    const style = createStyle(true);
    const text = formatTable(
      ['NAME', 'STATE'],
      [
        [style.green('a'), 'Stable'],
        ['名前', 'Empty'],
      ],
      style,
    );
    const lines = text.split('\n').map(stripVTControlCharacters);
    expect(lines[0]).toBe('NAME  STATE');
    expect(lines[1]).toBe('a     Stable');
    expect(lines[2]).toBe('名前  Empty');
    expect(text.startsWith('\u001b[1mNAME\u001b[22m')).toBe(true);
  });

  it('keeps addresses and versions left-aligned: only numbers go right', () => {
    expect(
      formatTable(
        ['HOST', 'N'],
        [
          ['127.0.0.1', '1,024'],
          ['10.0.0.12', '7'],
        ],
      ),
    ).toBe('HOST           N\n127.0.0.1  1,024\n10.0.0.12      7\n');
  });

  it('takes explicit alignment and prints only the header for no rows', () => {
    expect(formatTable([{ header: 'ID', align: 'right' }, 'X'], [['7', 'y']])).toBe('ID  X\n 7  y\n');
    expect(formatTable(['A', 'B'], [])).toBe('A  B\n');
  });

  it('counts wide characters as two columns', () => {
    expect(visibleWidth('a名\u001b[31m前\u001b[39m')).toBe(5);
  });
});
