/** One topic: partitions, configs (defaults greyed), the groups reading it, and its messages. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'wouter';
import type { TopicDetails } from '../../../src/api/types.js';
import { api, enc } from '../api.js';
import { MessageBrowser } from '../components/MessageBrowser.js';
import {
  Badge,
  Card,
  Dialog,
  Empty,
  ErrorBox,
  LagBadge,
  Loading,
  PageHeader,
  Stat,
  StateBadge,
  Tabs,
} from '../components/ui.js';
import { useCanWrite } from '../context.js';
import { count } from '../format.js';

type Tab = 'messages' | 'partitions' | 'configs' | 'consumers';

export function TopicPage({ name, tab }: { name: string; tab?: string }) {
  const [, navigate] = useLocation();
  const current: Tab = tab === 'partitions' || tab === 'configs' || tab === 'consumers' ? tab : 'messages';
  const topic = useQuery({
    queryKey: ['topic', name],
    queryFn: () => api<TopicDetails>(`/topics/${enc(name)}`),
    refetchInterval: 5000,
  });
  const [deleting, setDeleting] = useState(false);
  const canWrite = useCanWrite();
  const t = topic.data;
  const records = t?.partitions.reduce((sum, p) => sum + BigInt(p.endOffset) - BigInt(p.startOffset), 0n);
  return (
    <>
      <PageHeader
        title={
          <>
            <Link href="/topics" className="crumb">
              Topics
            </Link>{' '}
            / <span data-testid="topic-name">{name}</span>
          </>
        }
        actions={
          canWrite &&
          t && (
            <button
              type="button"
              className="button danger"
              onClick={() => setDeleting(true)}
              data-testid="delete-topic"
            >
              Delete topic
            </button>
          )
        }
      />
      <ErrorBox error={topic.error} />
      {topic.isLoading && <Loading />}
      {t && (
        <>
          <div className="stats">
            <Stat label="Partitions" value={t.partitions.length} />
            <Stat label="Replication" value={Math.max(0, ...t.partitions.map((p) => p.replicas.length))} />
            <Stat label="Records" value={count(records ?? 0n)} testId="topic-records" />
            <Stat label="Consumer groups" value={t.groups.length} />
            <Stat
              label="Under-replicated"
              value={t.partitions.filter((p) => p.isr.length < p.replicas.length).length}
              tone={t.partitions.some((p) => p.isr.length < p.replicas.length) ? 'warn' : 'ok'}
            />
          </div>
          <Tabs<Tab>
            value={current}
            onChange={(id) => navigate(`/topics/${enc(name)}${id === 'messages' ? '' : `/${id}`}`)}
            tabs={[
              { id: 'messages', label: 'Messages' },
              { id: 'partitions', label: `Partitions (${t.partitions.length})` },
              { id: 'configs', label: 'Configs' },
              { id: 'consumers', label: `Consumer groups (${t.groups.length})` },
            ]}
          />
          {current === 'messages' && (
            <MessageBrowser topic={name} partitions={t.partitions.map((p) => p.partition)} />
          )}
          {current === 'partitions' && <PartitionsTable topic={t} />}
          {current === 'configs' && <ConfigsTable topic={t} />}
          {current === 'consumers' && <ConsumersTable topic={t} />}
        </>
      )}
      <DeleteTopicDialog name={name} open={deleting} onClose={() => setDeleting(false)} />
    </>
  );
}

function PartitionsTable({ topic }: { topic: TopicDetails }) {
  return (
    <Card testId="partitions">
      <table className="table">
        <thead>
          <tr>
            <th className="num">Partition</th>
            <th className="num">Leader</th>
            <th>Replicas</th>
            <th>In sync</th>
            <th className="num">Start offset</th>
            <th className="num">End offset</th>
            <th className="num">Records</th>
          </tr>
        </thead>
        <tbody>
          {topic.partitions.map((p) => (
            <tr key={p.partition}>
              <td className="num mono">{p.partition}</td>
              <td className="num mono">{p.leader < 0 ? <Badge tone="bad">none</Badge> : p.leader}</td>
              <td className="mono">{p.replicas.join(', ')}</td>
              <td className="mono">
                {p.isr.join(', ')}{' '}
                {p.isr.length < p.replicas.length && <Badge tone="warn">under-replicated</Badge>}
              </td>
              <td className="num mono">{count(p.startOffset)}</td>
              <td className="num mono">{count(p.endOffset)}</td>
              <td className="num">{count(BigInt(p.endOffset) - BigInt(p.startOffset))}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function ConfigsTable({ topic }: { topic: TopicDetails }) {
  const [onlyOverrides, setOnlyOverrides] = useState(false);
  if (topic.configs === null) return <Empty>The brokers cannot describe configs.</Empty>;
  const shown = topic.configs.filter((c) => !onlyOverrides || !c.isDefault);
  return (
    <Card
      testId="configs"
      actions={
        <label className="check">
          <input
            type="checkbox"
            checked={onlyOverrides}
            onChange={(e) => setOnlyOverrides(e.target.checked)}
          />{' '}
          only values that are not defaults
        </label>
      }
    >
      <table className="table">
        <thead>
          <tr>
            <th>Config</th>
            <th>Value</th>
            <th>Source</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((c) => (
            <tr key={c.name} className={c.isDefault ? 'is-default' : 'is-set'} data-config={c.name}>
              <td className="mono">{c.name}</td>
              <td className="mono">
                {c.sensitive ? (
                  <span className="muted">(sensitive)</span>
                ) : (
                  (c.value ?? <span className="muted">null</span>)
                )}
              </td>
              <td>
                <Badge tone={c.isDefault ? 'muted' : 'info'}>
                  {c.source.toLowerCase().replaceAll('_', ' ')}
                </Badge>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function ConsumersTable({ topic }: { topic: TopicDetails }) {
  if (topic.groups.length === 0) return <Empty>No consumer group has committed offsets on this topic.</Empty>;
  return (
    <Card testId="topic-groups">
      <table className="table">
        <thead>
          <tr>
            <th>Group</th>
            <th>State</th>
            <th className="num">Lag on this topic</th>
          </tr>
        </thead>
        <tbody>
          {topic.groups.map((g) => (
            <tr key={g.groupId}>
              <td>
                <Link href={`/groups/${enc(g.groupId)}`}>{g.groupId}</Link>
              </td>
              <td>
                <StateBadge state={g.state} />
              </td>
              <td className="num">
                <LagBadge lag={g.lag} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}

function DeleteTopicDialog({ name, open, onClose }: { name: string; open: boolean; onClose: () => void }) {
  const [typed, setTyped] = useState('');
  const client = useQueryClient();
  const [, navigate] = useLocation();
  const remove = useMutation({
    mutationFn: () => api(`/topics/${enc(name)}`, { method: 'DELETE' }),
    onSuccess: async () => {
      client.removeQueries({ queryKey: ['topic', name] });
      await client.invalidateQueries({ queryKey: ['topics'] });
      onClose();
      navigate('/topics');
    },
  });
  return (
    <Dialog open={open} onClose={onClose} title={`Delete ${name}?`} testId="delete-topic-dialog">
      <p>
        Every record in <strong>{name}</strong> is deleted, and consumers reading it will fail. This cannot be
        undone.
      </p>
      <label className="field">
        <span>
          Type <code>{name}</code> to confirm
        </span>
        <input
          className="input"
          value={typed}
          onChange={(e) => setTyped(e.target.value)}
          autoFocus
          data-testid="delete-confirm-input"
        />
      </label>
      <ErrorBox error={remove.error} />
      <div className="form-actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="button danger"
          disabled={typed !== name || remove.isPending}
          onClick={() => remove.mutate()}
        >
          {remove.isPending ? 'Deleting…' : 'Delete topic'}
        </button>
      </div>
    </Dialog>
  );
}
