/** Schemas: the registry's subjects. */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import type { SubjectSummary } from '../../../src/api/types.js';
import { api, enc } from '../api.js';
import { Badge, Card, Empty, ErrorBox, Loading, PageHeader } from '../components/ui.js';
import { useInfo } from '../context.js';

export function SchemasPage() {
  const info = useInfo();
  const subjects = useQuery({
    queryKey: ['subjects'],
    queryFn: () => api<{ subjects: SubjectSummary[] }>('/schemas'),
    enabled: info?.registry !== null && info !== undefined,
    refetchInterval: 10_000,
  });
  const [search, setSearch] = useState('');
  if (info && info.registry === null) {
    return (
      <>
        <PageHeader title="Schemas" />
        <Empty>
          The console runs without a schema registry. Start it with <code>--registry http://host:8081</code>{' '}
          to see subjects and decode Avro.
        </Empty>
      </>
    );
  }
  const shown = (subjects.data?.subjects ?? []).filter((s) =>
    s.subject.toLowerCase().includes(search.trim().toLowerCase()),
  );
  return (
    <>
      <PageHeader title="Schemas" subtitle={info?.registry ?? undefined} />
      <ErrorBox error={subjects.error} />
      <Card>
        <div className="toolbar">
          <input
            className="input search"
            type="search"
            placeholder="Search subjects…"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            aria-label="Search subjects"
          />
        </div>
        {subjects.isLoading && <Loading />}
        {subjects.data && shown.length === 0 && (
          <Empty>No subjects{search ? ` match “${search}”` : ' yet'}.</Empty>
        )}
        {shown.length > 0 && (
          <table className="table" data-testid="subjects-table">
            <thead>
              <tr>
                <th>Subject</th>
                <th>Type</th>
                <th className="num">Versions</th>
                <th className="num">Latest version</th>
                <th className="num">Latest id</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => (
                <tr key={s.subject}>
                  <td>
                    <Link href={`/schemas/${enc(s.subject)}`} className="strong">
                      {s.subject}
                    </Link>
                  </td>
                  <td>
                    <Badge tone="info">{s.schemaType}</Badge>
                  </td>
                  <td className="num">{s.versions}</td>
                  <td className="num">{s.latestVersion}</td>
                  <td className="num mono">{s.latestId}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
