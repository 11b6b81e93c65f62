/** Topics: a searchable list, and creating one with its configs. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { CreateTopicRequest, TopicSummary } from '../../../src/api/types.js';
import { api } from '../api.js';
import { Badge, Card, Dialog, Empty, ErrorBox, Loading, nextRowId, PageHeader } from '../components/ui.js';
import { useCanWrite } from '../context.js';
import { bytes, count, duration } from '../format.js';

export function TopicsPage() {
  const topics = useQuery({
    queryKey: ['topics'],
    queryFn: () => api<{ topics: TopicSummary[] }>('/topics'),
    refetchInterval: 10_000,
  });
  const [search, setSearch] = useState('');
  const [showInternal, setShowInternal] = useState(false);
  const [creating, setCreating] = useState(false);
  const canWrite = useCanWrite();
  const shown = useMemo(() => {
    const needle = search.trim().toLowerCase();
    return (topics.data?.topics ?? []).filter(
      (t) => (showInternal || !t.internal) && t.name.toLowerCase().includes(needle),
    );
  }, [topics.data, search, showInternal]);
  return (
    <>
      <PageHeader
        title="Topics"
        subtitle={topics.data ? `${topics.data.topics.length} topics` : undefined}
        actions={
          canWrite && (
            <button
              type="button"
              className="button primary"
              onClick={() => setCreating(true)}
              data-testid="create-topic"
            >
              + Create topic
            </button>
          )
        }
      />
      <ErrorBox error={topics.error} />
      <Card>
        <div className="toolbar">
          <input
            className="input search"
            type="search"
            placeholder="Search topics…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Search topics"
            data-testid="topic-search"
          />
          <label className="check">
            <input
              type="checkbox"
              checked={showInternal}
              onChange={(e) => setShowInternal(e.target.checked)}
            />{' '}
            internal topics
          </label>
        </div>
        {topics.isLoading && <Loading />}
        {topics.data && shown.length === 0 && (
          <Empty>{search ? `No topic matches “${search}”.` : 'No topics yet.'}</Empty>
        )}
        {shown.length > 0 && (
          <table className="table" data-testid="topics-table">
            <thead>
              <tr>
                <th>Name</th>
                <th className="num">Partitions</th>
                <th className="num">Replication</th>
                <th className="num">Records</th>
                <th className="num">Size</th>
                <th>Retention</th>
                <th>Cleanup</th>
                <th>Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((t) => (
                <tr key={t.name} data-topic={t.name}>
                  <td>
                    <Link href={`/topics/${encodeURIComponent(t.name)}`} className="strong">
                      {t.name}
                    </Link>
                    {t.internal && <Badge>internal</Badge>}
                  </td>
                  <td className="num">{t.partitions}</td>
                  <td className="num">{t.replicationFactor}</td>
                  <td className="num">{count(t.records)}</td>
                  <td
                    className="num muted"
                    title={t.sizeBytes === null ? 'the broker does not report sizes' : undefined}
                  >
                    {bytes(t.sizeBytes)}
                  </td>
                  <td>{duration(t.retentionMs)}</td>
                  <td>
                    {t.cleanupPolicy ? (
                      <Badge tone={t.cleanupPolicy.includes('compact') ? 'info' : 'muted'}>
                        {t.cleanupPolicy}
                      </Badge>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td>
                    {t.underReplicated > 0 ? (
                      <Badge tone="warn">{t.underReplicated} under-replicated</Badge>
                    ) : (
                      <Badge tone="ok">ok</Badge>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <CreateTopicDialog open={creating} onClose={() => setCreating(false)} />
    </>
  );
}

const COMMON_CONFIGS = [
  'cleanup.policy',
  'retention.ms',
  'retention.bytes',
  'segment.bytes',
  'min.insync.replicas',
  'max.message.bytes',
  'compression.type',
  'message.timestamp.type',
  'delete.retention.ms',
];

function CreateTopicDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const [name, setName] = useState('');
  const [partitions, setPartitions] = useState('3');
  const [replication, setReplication] = useState('');
  const [configs, setConfigs] = useState<{ id: number; name: string; value: string }[]>([]);
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const create = useMutation({
    mutationFn: (request: CreateTopicRequest) => api('/topics', { method: 'POST', body: request }),
    onSuccess: async (_data, request) => {
      await client.invalidateQueries({ queryKey: ['topics'] });
      onClose();
      navigate(`/topics/${encodeURIComponent(request.name)}`);
    },
  });
  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const request: CreateTopicRequest = { name: name.trim() };
    if (partitions) request.partitions = Number(partitions);
    if (replication) request.replicationFactor = Number(replication);
    const entries = configs.filter((c) => c.name.trim());
    if (entries.length > 0)
      request.configs = Object.fromEntries(entries.map((c) => [c.name.trim(), c.value]));
    create.mutate(request);
  };
  return (
    <Dialog open={open} onClose={onClose} title="Create topic" testId="create-topic-dialog">
      <form onSubmit={submit} className="form">
        <label className="field">
          <span>Name</span>
          <input
            className="input"
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            autoFocus
            placeholder="orders.created"
            name="name"
          />
        </label>
        <div className="row">
          <label className="field">
            <span>Partitions</span>
            <input
              className="input"
              type="number"
              min={1}
              value={partitions}
              onChange={(e) => setPartitions(e.target.value)}
              name="partitions"
            />
          </label>
          <label className="field">
            <span>Replication factor</span>
            <input
              className="input"
              type="number"
              min={1}
              value={replication}
              onChange={(e) => setReplication(e.target.value)}
              placeholder="broker default"
              name="replicationFactor"
            />
          </label>
        </div>
        <fieldset className="fieldset">
          <legend>Configs</legend>
          <datalist id="topic-configs">
            {COMMON_CONFIGS.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
          {configs.map((c, i) => (
            <div className="row" key={c.id}>
              <input
                className="input mono"
                list="topic-configs"
                placeholder="retention.ms"
                value={c.name}
                aria-label="config name"
                onChange={(e) =>
                  setConfigs(configs.map((x, j) => (j === i ? { ...x, name: e.target.value } : x)))
                }
              />
              <input
                className="input mono"
                placeholder="value"
                value={c.value}
                aria-label="config value"
                onChange={(e) =>
                  setConfigs(configs.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))
                }
              />
              <button
                type="button"
                className="icon-button"
                aria-label="remove config"
                onClick={() => setConfigs(configs.filter((_, j) => j !== i))}
              >
                ×
              </button>
            </div>
          ))}
          <button
            type="button"
            className="button small"
            onClick={() => setConfigs([...configs, { id: nextRowId(), name: '', value: '' }])}
            data-testid="add-config"
          >
            + Add config
          </button>
        </fieldset>
        <ErrorBox error={create.error} testId="create-topic-error" />
        <div className="form-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create topic'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
