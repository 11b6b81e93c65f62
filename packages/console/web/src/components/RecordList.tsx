/**
 * Records as a virtualised list: only the rows in view are in the DOM, so thousands of records (a browse of 1000,
 * a live tail) scroll and update without the page slowing down.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useRef } from 'react';
import type { DisplayedData, RecordView } from '../../../src/api/types.js';
import { time } from '../format.js';

const ROW_HEIGHT = 34;
const PREVIEW_CHARS = 240;

export function RecordList({
  records,
  selected,
  onSelect,
  follow,
}: {
  records: RecordView[];
  selected: RecordView | null;
  onSelect: (record: RecordView) => void;
  /** Keep the newest record in view (live tail). */
  follow?: boolean;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: records.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });
  useEffect(() => {
    if (follow && records.length > 0) virtualizer.scrollToIndex(records.length - 1, { align: 'end' });
  }, [follow, records, virtualizer]);
  return (
    <div className="records" data-testid="records">
      <div className="records-head">
        <span className="c-part">P</span>
        <span className="c-offset">Offset</span>
        <span className="c-time">Timestamp</span>
        <span className="c-key">Key</span>
        <span className="c-value">Value</span>
      </div>
      <div className="records-scroll" ref={scroller}>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
          {virtualizer.getVirtualItems().map((item) => {
            const r = records[item.index]!;
            const isSelected =
              selected !== null && selected.partition === r.partition && selected.offset === r.offset;
            return (
              <button
                type="button"
                key={`${r.partition}-${r.offset}`}
                className={isSelected ? 'record-row selected' : 'record-row'}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(r)}
                data-testid="record-row"
                data-partition={r.partition}
                data-offset={r.offset}
              >
                <span className="c-part mono">{r.partition}</span>
                <span className="c-offset mono">{r.offset}</span>
                <span className="c-time mono">{time(r.timestamp)}</span>
                <span className="c-key mono">{preview(r.key)}</span>
                <span className="c-value mono">
                  <FormatTag data={r.value} />
                  {preview(r.value)}
                </span>
              </button>
            );
          })}
        </div>
      </div>
    </div>
  );
}

export function FormatTag({ data }: { data: DisplayedData }) {
  if (data.format === 'string' || data.format === 'null') return null;
  const title =
    data.format === 'avro'
      ? `schema id ${data.schemaId}${data.subject ? `, ${data.subject} v${data.version}` : ''}`
      : data.note;
  return (
    <span className={`tag tag-${data.format}`} title={title}>
      {data.format}
    </span>
  );
}

function preview(data: DisplayedData): string {
  if (data.format === 'null') return 'null';
  return data.text.length > PREVIEW_CHARS ? `${data.text.slice(0, PREVIEW_CHARS)}…` : data.text;
}
