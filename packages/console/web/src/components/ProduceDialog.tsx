/** Producing one record: key, value (text, JSON, or Avro from JSON through the registry), headers, partition. */
import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import type { ProduceFormat, ProduceRequest, ProduceResult } from '../../../src/api/types.js';
import { api, enc } from '../api.js';
import { useInfo } from '../context.js';
import { Dialog, ErrorBox, nextRowId } from './ui.js';

export function ProduceDialog({
  topic,
  partitions,
  open,
  onClose,
  onProduced,
}: {
  topic: string;
  partitions: number[];
  open: boolean;
  onClose: () => void;
  onProduced: () => void;
}) {
  const info = useInfo();
  const [key, setKey] = useState('');
  const [value, setValue] = useState('');
  const [format, setFormat] = useState<ProduceFormat>('json');
  const [subject, setSubject] = useState('');
  const [partition, setPartition] = useState('');
  const [headers, setHeaders] = useState<{ id: number; key: string; value: string }[]>([]);
  const produce = useMutation({
    mutationFn: (request: ProduceRequest) =>
      api<ProduceResult>(`/topics/${enc(topic)}/messages`, { method: 'POST', body: request }),
    onSuccess: () => onProduced(),
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    produce.mutate({
      key: key === '' ? null : key,
      value,
      format,
      headers: headers.filter((h) => h.key).map(({ key, value }) => ({ key, value })),
      ...(partition !== '' ? { partition: Number(partition) } : {}),
      ...(format === 'avro' && subject ? { subject } : {}),
    });
  };
  return (
    <Dialog open={open} onClose={onClose} title={`Produce to ${topic}`} testId="produce-dialog">
      <form className="form" onSubmit={submit}>
        <div className="row">
          <label className="field">
            <span>Key</span>
            <input
              className="input mono"
              value={key}
              onChange={(e) => setKey(e.target.value)}
              placeholder="(none)"
              name="key"
            />
          </label>
          <label className="field">
            <span>Partition</span>
            <select
              className="input"
              value={partition}
              onChange={(e) => setPartition(e.target.value)}
              name="partition"
            >
              <option value="">by key</option>
              {partitions.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Value format</span>
            <select
              className="input"
              value={format}
              onChange={(e) => setFormat(e.target.value as ProduceFormat)}
              name="format"
            >
              <option value="json">JSON</option>
              <option value="string">Text</option>
              <option value="avro" disabled={!info?.registry}>
                Avro (from JSON){info?.registry ? '' : ' — needs --registry'}
              </option>
            </select>
          </label>
        </div>
        {format === 'avro' && (
          <label className="field">
            <span>Subject (its latest schema encodes the value)</span>
            <input
              className="input mono"
              value={subject}
              onChange={(e) => setSubject(e.target.value)}
              placeholder={`${topic}-value`}
              name="subject"
            />
          </label>
        )}
        <label className="field">
          <span>Value</span>
          <textarea
            className="input mono"
            rows={8}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            name="value"
            placeholder={format === 'string' ? 'text' : '{ "id": 1 }'}
          />
        </label>
        <fieldset className="fieldset">
          <legend>Headers</legend>
          {headers.map((h, i) => (
            <div className="row" key={h.id}>
              <input
                className="input mono"
                placeholder="name"
                value={h.key}
                aria-label="header name"
                onChange={(e) =>
                  setHeaders(headers.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))
                }
              />
              <input
                className="input mono"
                placeholder="value"
                value={h.value}
                aria-label="header value"
                onChange={(e) =>
                  setHeaders(headers.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
                }
              />
              <button
                type="button"
                className="icon-button"
                aria-label="remove header"
                onClick={() => setHeaders(headers.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button small"
            onClick={() => setHeaders([...headers, { id: nextRowId(), key: '', value: '' }])}
          >
            + Add header
          </button>
        </fieldset>
        <ErrorBox error={produce.error} testId="produce-error" />
        {produce.data && (
          <div className="alert alert-ok" data-testid="produce-result">
            Produced to partition {produce.data.partition} at offset {produce.data.offset}
            {produce.data.schemaId !== undefined && <> with schema id {produce.data.schemaId}</>}
          </div>
        )}
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Close
          </button>
          <button
            type="submit"
            className="button primary"
            disabled={produce.isPending}
            data-testid="produce-submit"
          >
            {produce.isPending ? 'Producing…' : 'Produce'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
