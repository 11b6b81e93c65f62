/** Overview: the cluster at a glance and a verdict on its health. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { GroupSummary, Overview } from '../../../src/api/types.js';
import { api } from '../api.js';
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
import { compact, count } from '../format.js';

const VERDICT = {
  ok: {
    tone: 'ok',
    label: 'Healthy',
    text: 'Every partition has a leader and a full set of in-sync replicas.',
  },
  warning: { tone: 'warn', label: 'Degraded', text: 'Data is available, but something needs attention.' },
  critical: { tone: 'bad', label: 'Critical', text: 'Some partitions cannot be read or written.' },
} as const;

export function OverviewPage() {
  const overview = useQuery({
    queryKey: ['overview'],
    queryFn: () => api<Overview>('/overview'),
    refetchInterval: 5000,
  });
  const groups = useQuery({
    queryKey: ['groups'],
    queryFn: () => api<{ groups: GroupSummary[] }>('/groups'),
    refetchInterval: 5000,
  });
  const o = overview.data;
  // While Kafka does not answer, the last answer stays on the page, marked as such.
  const stale = overview.isError && o !== undefined;
  const verdict = stale
    ? {
        tone: 'bad' as const,
        label: 'Unreachable',
        text: `Showing the last answer, from ${new Date(overview.dataUpdatedAt).toLocaleTimeString()}.`,
      }
    : o
      ? VERDICT[o.health.status]
      : null;
  return (
    <>
      <PageHeader title="Overview" subtitle={o ? `Cluster ${o.clusterId}` : undefined} />
      {!stale && <ErrorBox error={overview.error} />}
      {!o && overview.isLoading && <Loading />}
      {o && (
        <>
          <section className={`health health-${verdict!.tone}`} data-testid="health-summary">
            <div className="health-mark" aria-hidden="true">
              {!stale && o.health.status === 'ok' ? '✓' : '!'}
            </div>
            <div>
              <div className="health-title">
                {verdict!.label}
                <Badge tone={verdict!.tone}>{stale ? 'stale' : o.health.status}</Badge>
              </div>
              <div className="health-text">
                {!stale && o.health.problems.length > 0 ? o.health.problems.join('; ') : verdict!.text}
              </div>
            </div>
          </section>
          <div className="stats">
            <Stat
              label="Brokers"
              value={o.brokers.length}
              testId="stat-brokers"
              hint={o.controller !== null ? `controller: ${o.controller}` : 'no controller'}
            />
            <Stat label="Topics" value={count(o.topics)} testId="stat-topics" />
            <Stat label="Partitions" value={count(o.partitions)} testId="stat-partitions" />
            <Stat
              label="Under-replicated"
              value={o.underReplicated.length}
              tone={o.underReplicated.length > 0 ? 'warn' : 'ok'}
              testId="stat-under-replicated"
            />
            <Stat
              label="Offline"
              value={o.offline.length}
              tone={o.offline.length > 0 ? 'bad' : 'ok'}
              testId="stat-offline"
            />
            <Stat label="Consumer groups" value={o.groups} testId="stat-groups" />
            <Stat
              label="Total lag"
              value={compact(o.totalLag)}
              tone={o.totalLag === '0' ? 'ok' : 'warn'}
              hint={`${count(o.totalLag)} records`}
              testId="stat-total-lag"
            />
          </div>
          <div className="grid-2">
            <Card title="Brokers" testId="brokers">
              <table className="table">
                <thead>
                  <tr>
                    <th>ID</th>
                    <th>Host</th>
                    <th>Rack</th>
                    <th>Role</th>
                  </tr>
                </thead>
                <tbody>
                  {o.brokers.map((b) => (
                    <tr key={b.nodeId}>
                      <td className="mono">{b.nodeId}</td>
                      <td className="mono">
                        {b.host}:{b.port}
                      </td>
                      <td>{b.rack ?? <span className="muted">—</span>}</td>
                      <td>
                        {b.isController ? (
                          <Badge tone="info">controller</Badge>
                        ) : (
                          <span className="muted">broker</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <Card title="Consumer groups by lag" actions={<Link href="/groups">All groups →</Link>}>
              {groups.data && groups.data.groups.length === 0 && <Empty>No consumer groups yet.</Empty>}
              {groups.data && groups.data.groups.length > 0 && (
                <table className="table">
                  <thead>
                    <tr>
                      <th>Group</th>
                      <th>State</th>
                      <th className="num">Lag</th>
                    </tr>
                  </thead>
                  <tbody>
                    {[...groups.data.groups]
                      .sort((a, b) => Number(b.totalLag) - Number(a.totalLag))
                      .slice(0, 8)
                      .map((g) => (
                        <tr key={g.groupId}>
                          <td>
                            <Link href={`/groups/${encodeURIComponent(g.groupId)}`}>{g.groupId}</Link>
                          </td>
                          <td>
                            <StateBadge state={g.state} />
                          </td>
                          <td className="num">
                            <LagBadge lag={g.totalLag} />
                          </td>
                        </tr>
                      ))}
                  </tbody>
                </table>
              )}
            </Card>
          </div>
          {(o.underReplicated.length > 0 || o.offline.length > 0) && (
            <Card title="Partitions that need attention">
              <ul className="plain-list">
                {o.offline.map((p) => (
                  <li key={`o-${p.topic}-${p.partition}`}>
                    <Badge tone="bad">offline</Badge>{' '}
                    <Link href={`/topics/${encodeURIComponent(p.topic)}`}>{p.topic}</Link> [{p.partition}]
                  </li>
                ))}
                {o.underReplicated.map((p) => (
                  <li key={`u-${p.topic}-${p.partition}`}>
                    <Badge tone="warn">under-replicated</Badge>{' '}
                    <Link href={`/topics/${encodeURIComponent(p.topic)}`}>{p.topic}</Link> [{p.partition}]
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </>
      )}
    </>
  );
}
