/** One consumer group: members and assignments, per-partition lag, lag over time, and offset resets. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import type { GroupDetails, OffsetResetRequest, OffsetResetResult } from '../../../src/api/types.js';
import { api, enc } from '../api.js';
import { LagChart, type LagSample } from '../components/LagChart.js';
import {
  Badge,
  Card,
  Empty,
  ErrorBox,
  LagBadge,
  Loading,
  PageHeader,
  Stat,
  StateBadge,
} from '../components/ui.js';
import { useCanWrite } from '../context.js';
import { compact, count } from '../format.js';

/** Samples kept for the chart: 30 minutes at one every 2 s. */
const MAX_SAMPLES = 900;

export function GroupPage({ groupId }: { groupId: string }) {
  const group = useQuery({
    queryKey: ['group', groupId],
    queryFn: () => api<GroupDetails>(`/groups/${enc(groupId)}`),
    refetchInterval: 2000,
  });
  const samples = useLagSamples(group.data, group.dataUpdatedAt);
  const canWrite = useCanWrite();
  const g = group.data;
  return (
    <>
      <PageHeader
        title={
          <>
            <Link href="/groups" className="crumb">
              Consumer groups
            </Link>{' '}
            / <span data-testid="group-id">{groupId}</span>
          </>
        }
      />
      <ErrorBox error={group.error} />
      {group.isLoading && <Loading />}
      {g && (
        <>
          <div className="stats">
            <Stat label="State" value={<StateBadge state={g.state} />} testId="group-state" />
            <Stat label="Members" value={g.members.length} />
            <Stat
              label="Protocol"
              value={<span className="mono small">{g.protocol || '—'}</span>}
              hint={g.protocolType}
            />
            <Stat
              label="Total lag"
              value={compact(g.totalLag)}
              tone={g.totalLag === '0' ? 'ok' : 'warn'}
              hint={`${count(g.totalLag)} records`}
              testId="group-total-lag"
            />
          </div>
          <Card
            title="Lag over time"
            actions={<span className="muted small">sampled every 2 s while this page is open</span>}
          >
            {samples.length < 2 ? <Empty>Collecting samples…</Empty> : <LagChart samples={samples} />}
          </Card>
          <Card title="Partitions" testId="group-partitions">
            {g.partitions.length === 0 ? (
              <Empty>The group has no committed offsets or assigned partitions.</Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Topic</th>
                    <th className="num">Partition</th>
                    <th className="num">Committed</th>
                    <th className="num">End offset</th>
                    <th className="num">Lag</th>
                    <th>Member</th>
                  </tr>
                </thead>
                <tbody>
                  {g.partitions.map((p) => (
                    <tr
                      key={`${p.topic}-${p.partition}`}
                      data-testid="group-partition"
                      data-topic={p.topic}
                      data-partition={p.partition}
                    >
                      <td>
                        <Link href={`/topics/${enc(p.topic)}`}>{p.topic}</Link>
                      </td>
                      <td className="num mono">{p.partition}</td>
                      <td className="num mono" data-testid="committed">
                        {p.committedOffset ?? <span className="muted">—</span>}
                      </td>
                      <td className="num mono" data-testid="end">
                        {p.endOffset}
                      </td>
                      <td className="num" data-testid="lag">
                        <LagBadge lag={p.lag} />
                      </td>
                      <td className="mono small">
                        {p.clientId ?? <span className="muted">unassigned</span>}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          <Card title={`Members (${g.members.length})`} testId="group-members">
            {g.members.length === 0 ? (
              <Empty>No active members.</Empty>
            ) : (
              <table className="table">
                <thead>
                  <tr>
                    <th>Client</th>
                    <th>Host</th>
                    <th>Member id</th>
                    <th>Assignment</th>
                  </tr>
                </thead>
                <tbody>
                  {g.members.map((m) => (
                    <tr key={m.memberId}>
                      <td className="mono">{m.clientId}</td>
                      <td className="mono">{m.clientHost}</td>
                      <td className="mono small muted">{m.memberId}</td>
                      <td>
                        {m.assignment.length === 0 ? (
                          <span className="muted">none</span>
                        ) : (
                          m.assignment.map((a) => (
                            <div key={a.topic}>
                              <span className="mono">{a.topic}</span>{' '}
                              <span className="muted">[{a.partitions.join(', ')}]</span>
                            </div>
                          ))
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Card>
          {canWrite && <OffsetReset group={g} />}
        </>
      )}
    </>
  );
}

/** One sample per answer of the group query (an unchanged answer too), kept while the page is open. */
function useLagSamples(group: GroupDetails | undefined, answeredAt: number): LagSample[] {
  const samples = useRef<LagSample[]>([]);
  const [, setVersion] = useState(0);
  useEffect(() => {
    if (!group) return;
    const byTopic: Record<string, number> = {};
    for (const t of group.topics) byTopic[t.topic] = Number(t.lag);
    samples.current = [
      ...samples.current,
      { at: answeredAt / 1000, total: Number(group.totalLag), byTopic },
    ].slice(-MAX_SAMPLES);
    setVersion((v) => v + 1);
  }, [group, answeredAt]);
  return samples.current;
}

type StrategyType = OffsetResetRequest['strategy']['type'];

function OffsetReset({ group }: { group: GroupDetails }) {
  const topics = [...new Set(group.partitions.map((p) => p.topic))];
  const [topic, setTopic] = useState('');
  const [type, setType] = useState<StrategyType>('earliest');
  const [offset, setOffset] = useState('0');
  const [time, setTime] = useState('');
  const [plan, setPlan] = useState<OffsetResetResult | null>(null);
  const client = useQueryClient();
  const request = (dryRun: boolean): OffsetResetRequest => ({
    ...(topic ? { topics: [{ topic }] } : {}),
    strategy:
      type === 'offset'
        ? { type, offset }
        : type === 'timestamp'
          ? { type, timestamp: time ? new Date(time).getTime() : Date.now() }
          : { type },
    dryRun,
  });
  const reset = useMutation({
    mutationFn: (dryRun: boolean) =>
      api<OffsetResetResult>(`/groups/${enc(group.groupId)}/offsets/reset`, {
        method: 'POST',
        body: request(dryRun),
      }),
    onSuccess: async (result) => {
      setPlan(result);
      if (result.executed) await client.invalidateQueries({ queryKey: ['group', group.groupId] });
    },
  });
  const active = group.members.length > 0;
  return (
    <Card title="Reset offsets" testId="offset-reset">
      {active && (
        <div className="alert alert-warn" data-testid="reset-active-note">
          The group has {group.members.length} active member{group.members.length === 1 ? '' : 's'}: Kafka
          refuses to move its offsets until its consumers stop.
        </div>
      )}
      <div className="controls-row">
        <label className="field inline">
          <span>Topic</span>
          <select
            className="input"
            value={topic}
            onChange={(e) => setTopic(e.target.value)}
            name="reset-topic"
          >
            <option value="">All topics of the group</option>
            {topics.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>To</span>
          <select
            className="input"
            value={type}
            onChange={(e) => setType(e.target.value as StrategyType)}
            name="reset-strategy"
          >
            <option value="earliest">Earliest</option>
            <option value="latest">Latest</option>
            <option value="offset">Offset</option>
            <option value="timestamp">Time</option>
          </select>
        </label>
        {type === 'offset' && (
          <input
            className="input narrow"
            value={offset}
            onChange={(e) => setOffset(e.target.value)}
            aria-label="offset"
            name="reset-offset"
          />
        )}
        {type === 'timestamp' && (
          <input
            className="input"
            type="datetime-local"
            step={1}
            value={time}
            onChange={(e) => setTime(e.target.value)}
            aria-label="time"
          />
        )}
        <button
          type="button"
          className="button"
          onClick={() => reset.mutate(true)}
          disabled={reset.isPending}
          data-testid="reset-dry-run"
        >
          Preview (dry run)
        </button>
        <button
          type="button"
          className="button danger"
          disabled={reset.isPending || plan === null || plan.executed}
          onClick={() => reset.mutate(false)}
          title={plan === null ? 'Preview first' : undefined}
          data-testid="reset-execute"
        >
          Execute reset
        </button>
      </div>
      <ErrorBox error={reset.error} testId="reset-error" />
      {plan && (
        <div data-testid="reset-plan">
          <p>
            {plan.executed ? <Badge tone="ok">executed</Badge> : <Badge tone="info">dry run</Badge>}{' '}
            {plan.partitions.length} partition
            {plan.partitions.length === 1 ? '' : 's'} of group {plan.groupId} ({plan.state})
          </p>
          <table className="table compact">
            <thead>
              <tr>
                <th>Topic</th>
                <th className="num">Partition</th>
                <th className="num">Current</th>
                <th className="num">New</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {plan.partitions.map((p) => (
                <tr key={`${p.topic}-${p.partition}`} data-testid="plan-row">
                  <td>{p.topic}</td>
                  <td className="num mono">{p.partition}</td>
                  <td className="num mono">{p.currentOffset ?? '—'}</td>
                  <td className="num mono" data-testid="plan-new">
                    {p.newOffset}
                  </td>
                  <td>{p.clamped && <Badge tone="warn">clamped to the log</Badge>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
