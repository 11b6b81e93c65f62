/** Consumer groups: state, protocol, members and total lag. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import type { GroupSummary } from '../../../src/api/types.js';
import { api, enc } from '../api.js';
import { Card, Empty, ErrorBox, LagBadge, Loading, PageHeader, StateBadge } from '../components/ui.js';

export function GroupsPage() {
  const groups = useQuery({
    queryKey: ['groups'],
    queryFn: () => api<{ groups: GroupSummary[] }>('/groups'),
    refetchInterval: 5000,
  });
  const [search, setSearch] = useState('');
  const shown = (groups.data?.groups ?? []).filter((g) =>
    g.groupId.toLowerCase().includes(search.trim().toLowerCase()),
  );
  return (
    <>
      <PageHeader
        title="Consumer groups"
        subtitle={groups.data ? `${groups.data.groups.length} groups` : undefined}
      />
      <ErrorBox error={groups.error} />
      <Card>
        <div className="toolbar">
          <input
            className="input search"
            type="search"
            placeholder="Search groups…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Search groups"
          />
        </div>
        {groups.isLoading && <Loading />}
        {groups.data && shown.length === 0 && (
          <Empty>No consumer groups{search ? ` match “${search}”` : ' yet'}.</Empty>
        )}
        {shown.length > 0 && (
          <table className="table" data-testid="groups-table">
            <thead>
              <tr>
                <th>Group</th>
                <th>State</th>
                <th>Protocol</th>
                <th className="num">Members</th>
                <th>Topics</th>
                <th className="num">Total lag</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((g) => (
                <tr key={g.groupId} data-group={g.groupId}>
                  <td>
                    <Link href={`/groups/${enc(g.groupId)}`} className="strong">
                      {g.groupId}
                    </Link>
                  </td>
                  <td>
                    <StateBadge state={g.state} />
                  </td>
                  <td className="mono">
                    {g.protocolType || '—'}
                    {g.protocol && <span className="muted"> / {g.protocol}</span>}
                  </td>
                  <td className="num">{g.members}</td>
                  <td>{g.topics.length > 0 ? g.topics.join(', ') : <span className="muted">—</span>}</td>
                  <td className="num">
                    <LagBadge lag={g.totalLag} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
