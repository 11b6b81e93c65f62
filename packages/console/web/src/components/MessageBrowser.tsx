/**
 * The message browser of a topic: browse from the newest records, the oldest, an offset or a time, on one partition
 * or all, filtered by key, value or a JSON path; or follow new records live (server-sent events); and produce one.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { BrowseFrom, BrowseResult, RecordView, TailBatch } from '../../../src/api/types.js';
import { api, enc, query } from '../api.js';
import { useCanWrite } from '../context.js';
import { count } from '../format.js';
import { ProduceDialog } from './ProduceDialog.js';
import { RecordDetail } from './RecordDetail.js';
import { RecordList } from './RecordList.js';
import { ErrorBox, Loading } from './ui.js';

/** Most records the page keeps while tailing; older ones leave the list. */
const TAIL_KEEP = 2000;

interface Params {
  partition: string;
  from: BrowseFrom;
  offset: string;
  time: string;
  limit: string;
  key: string;
  value: string;
  jsonPath: string;
  jsonValue: string;
}

const INITIAL: Params = {
  partition: '',
  from: 'end',
  offset: '0',
  time: '',
  limit: '100',
  key: '',
  value: '',
  jsonPath: '',
  jsonValue: '',
};

function browsePath(topic: string, p: Params): string {
  return `/topics/${enc(topic)}/messages${query({
    from: p.from,
    partition: p.partition,
    limit: p.limit,
    offset: p.from === 'offset' ? p.offset : undefined,
    timestamp: p.from === 'timestamp' && p.time ? new Date(p.time).getTime() : undefined,
    key: p.key,
    value: p.value,
    jsonPath: p.jsonPath,
    jsonValue: p.jsonValue,
  })}`;
}

export function MessageBrowser({ topic, partitions }: { topic: string; partitions: number[] }) {
  const [draft, setDraft] = useState<Params>(INITIAL);
  const [params, setParams] = useState<Params>(INITIAL);
  const [run, setRun] = useState(0);
  const [tailing, setTailing] = useState(false);
  const [selected, setSelected] = useState<RecordView | null>(null);
  const [producing, setProducing] = useState(false);
  const canWrite = useCanWrite();
  const browse = useQuery({
    queryKey: ['browse', topic, params, run],
    queryFn: ({ signal }) => api<BrowseResult>(browsePath(topic, params), { signal }),
    enabled: !tailing,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });
  const tail = useTail(topic, tailing ? params : null);
  const set = (patch: Partial<Params>) => setDraft({ ...draft, ...patch });
  const records = tailing ? tail.records : (browse.data?.records ?? []);
  return (
    <div className="browser">
      <form
        className="browser-controls card"
        onSubmit={(e) => {
          e.preventDefault();
          setParams(draft);
          setRun(run + 1);
          setSelected(null);
        }}
        data-testid="browse-form"
      >
        <div className="controls-row">
          <label className="field inline">
            <span>Partition</span>
            <select
              className="input"
              value={draft.partition}
              onChange={(e) => set({ partition: e.target.value })}
              name="partition"
            >
              <option value="">All</option>
              {partitions.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <label className="field inline">
            <span>From</span>
            <select
              className="input"
              value={draft.from}
              onChange={(e) => set({ from: e.target.value as BrowseFrom })}
              name="from"
              disabled={tailing}
            >
              <option value="end">Newest</option>
              <option value="beginning">Oldest</option>
              <option value="offset">Offset</option>
              <option value="timestamp">Time</option>
            </select>
          </label>
          {draft.from === 'offset' && (
            <label className="field inline">
              <span>Offset</span>
              <input
                className="input narrow"
                value={draft.offset}
                onChange={(e) => set({ offset: e.target.value })}
                inputMode="numeric"
                name="offset"
              />
            </label>
          )}
          {draft.from === 'timestamp' && (
            <label className="field inline">
              <span>Time</span>
              <input
                className="input"
                type="datetime-local"
                step={1}
                value={draft.time}
                onChange={(e) => set({ time: e.target.value })}
                name="time"
              />
            </label>
          )}
          <label className="field inline">
            <span>Limit</span>
            <select
              className="input"
              value={draft.limit}
              onChange={(e) => set({ limit: e.target.value })}
              name="limit"
              disabled={tailing}
            >
              {['50', '100', '500', '1000'].map((n) => (
                <option key={n}>{n}</option>
              ))}
            </select>
          </label>
        </div>
        <div className="controls-row">
          <input
            className="input"
            placeholder="Key contains…"
            value={draft.key}
            onChange={(e) => set({ key: e.target.value })}
            name="key"
            aria-label="key filter"
          />
          <input
            className="input"
            placeholder="Value contains…"
            value={draft.value}
            onChange={(e) => set({ value: e.target.value })}
            name="value"
            aria-label="value filter"
          />
          <input
            className="input mono"
            placeholder="JSON path, e.g. $.customerId"
            value={draft.jsonPath}
            onChange={(e) => set({ jsonPath: e.target.value })}
            name="jsonPath"
            aria-label="JSON path"
          />
          <input
            className="input narrow"
            placeholder="equals…"
            value={draft.jsonValue}
            onChange={(e) => set({ jsonValue: e.target.value })}
            name="jsonValue"
            aria-label="JSON path value"
          />
        </div>
        <div className="controls-row actions">
          <button type="submit" className="button primary" disabled={tailing} data-testid="browse">
            Browse
          </button>
          <button
            type="button"
            className={tailing ? 'button live active' : 'button live'}
            onClick={() => {
              if (!tailing) setParams(draft);
              setTailing(!tailing);
              setSelected(null);
            }}
            data-testid="tail-toggle"
          >
            <span className="live-dot" /> {tailing ? 'Stop live tail' : 'Live tail'}
          </button>
          {canWrite && (
            <button
              type="button"
              className="button"
              onClick={() => setProducing(true)}
              data-testid="produce-open"
            >
              Produce…
            </button>
          )}
          <span className="status" data-testid="browse-status">
            {tailing ? (
              <>
                <strong data-testid="tail-received">{count(tail.matched)}</strong> received ·{' '}
                <span data-testid="tail-rate">{count(Math.round(tail.rate))}</span>/s · showing newest{' '}
                {count(records.length)}
                {tail.dropped > 0 && <> · {count(tail.dropped)} skipped while the page caught up</>}
                {tail.connected ? '' : ' · connecting…'}
              </>
            ) : browse.data ? (
              <>
                <strong data-testid="record-count">{browse.data.records.length}</strong> records · scanned{' '}
                {count(browse.data.scanned)}
                {browse.data.reachedEnd ? ' · all read' : ' · more available'}
              </>
            ) : null}
          </span>
        </div>
      </form>
      <ErrorBox error={tailing ? tail.error : browse.error} testId="browse-error" />
      {!tailing && browse.isFetching && <Loading what="Reading records" />}
      <div className={selected ? 'browser-body with-detail' : 'browser-body'}>
        <RecordList records={records} selected={selected} onSelect={setSelected} follow={tailing} />
        {selected && <RecordDetail record={selected} onClose={() => setSelected(null)} />}
      </div>
      {canWrite && (
        <ProduceDialog
          topic={topic}
          partitions={partitions}
          open={producing}
          onClose={() => setProducing(false)}
          onProduced={() => setRun(run + 1)}
        />
      )}
    </div>
  );
}

/** Follows a topic over server-sent events, keeping the newest TAIL_KEEP records. */
function useTail(topic: string, params: Params | null) {
  const [state, setState] = useState({
    records: [] as RecordView[],
    matched: 0,
    dropped: 0,
    rate: 0,
    connected: false,
    error: null as Error | null,
  });
  const rateWindow = useRef<{ at: number; matched: number }[]>([]);
  const key = params ? JSON.stringify(params) : null;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the stream restarts when the parameters change (key).
  useEffect(() => {
    if (!params) return;
    let records: RecordView[] = [];
    rateWindow.current = [];
    setState({ records, matched: 0, dropped: 0, rate: 0, connected: false, error: null });
    const source = new EventSource(
      `/api/topics/${enc(topic)}/tail${query({ partition: params.partition, key: params.key, value: params.value, jsonPath: params.jsonPath, jsonValue: params.jsonValue })}`,
    );
    source.onopen = () => setState((s) => ({ ...s, connected: true, error: null }));
    source.addEventListener('records', (event) => {
      const batch = JSON.parse((event as MessageEvent<string>).data) as TailBatch;
      if (batch.records.length > 0) {
        records = records.concat(batch.records);
        if (records.length > TAIL_KEEP) records = records.slice(records.length - TAIL_KEEP);
      }
      const now = performance.now();
      const window = rateWindow.current;
      window.push({ at: now, matched: batch.matched });
      while (window.length > 1 && now - window[0]!.at > 3000) window.shift();
      const first = window[0]!;
      const rate = now > first.at ? ((batch.matched - first.matched) * 1000) / (now - first.at) : 0;
      setState({
        records,
        matched: batch.matched,
        dropped: batch.dropped,
        rate,
        connected: true,
        error: null,
      });
    });
    source.addEventListener('failure', (event) => {
      const error = JSON.parse((event as MessageEvent<string>).data) as { code: string; message: string };
      setState((s) => ({ ...s, error: new Error(`${error.code}: ${error.message}`) }));
      source.close();
    });
    // EventSource reconnects by itself after a dropped connection; say so meanwhile.
    source.onerror = () => setState((s) => ({ ...s, connected: false }));
    return () => source.close();
  }, [topic, key]);
  return state;
}
