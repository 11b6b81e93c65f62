/** One record in full: key, value (JSON and Avro pretty-printed, bytes as hex), headers, and where it sits. */
import { Link } from 'wouter';
import type { DisplayedData, RecordView } from '../../../src/api/types.js';
import { bytes, pretty, time } from '../format.js';
import { Badge } from './ui.js';

export function RecordDetail({ record, onClose }: { record: RecordView; onClose: () => void }) {
  return (
    <aside className="record-detail" data-testid="record-detail">
      <header className="detail-header">
        <h3>
          Partition {record.partition} · offset {record.offset}
        </h3>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <dl className="meta">
        <dt>Timestamp</dt>
        <dd className="mono">
          {time(record.timestamp)} <span className="muted">({record.timestamp})</span>
        </dd>
        <dt>Size</dt>
        <dd>{bytes(record.size)}</dd>
      </dl>
      <Part label="Key" data={record.key} testId="detail-key" />
      <Part label="Value" data={record.value} testId="detail-value" />
      <h4>Headers</h4>
      {record.headers.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <table className="table compact">
          <tbody>
            {record.headers.map((h, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a list that is only ever replaced whole.
              <tr key={`${h.key}-${i}`}>
                <td className="mono">{h.key}</td>
                <td className="mono wrap">{h.value.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </aside>
  );
}

function Part({ label, data, testId }: { label: string; data: DisplayedData; testId: string }) {
  return (
    <div className="part" data-testid={testId}>
      <h4>
        {label} <Badge tone={data.format === 'avro' ? 'info' : 'muted'}>{data.format}</Badge>
        {data.format === 'avro' && (
          <span className="schema-ref" data-testid={`${testId}-schema`}>
            schema id {data.schemaId}
            {data.subject && (
              <>
                {' '}
                · <Link href={`/schemas/${encodeURIComponent(data.subject)}`}>{data.subject}</Link> v
                {data.version}
              </>
            )}
          </span>
        )}
      </h4>
      {data.note && <p className="note">{data.note}</p>}
      <pre className="code">
        {data.format === 'null'
          ? 'null'
          : data.format === 'json' || data.format === 'avro'
            ? pretty(data.text)
            : data.text}
      </pre>
    </div>
  );
}
