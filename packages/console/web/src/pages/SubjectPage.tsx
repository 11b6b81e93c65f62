/**
 * One subject: its versions (any two side by side), its compatibility level, the topics that use it, and a box to
 * check a schema against it (each incompatibility named with its rule and location) or register it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import type { CompatibilityReport, SubjectDetails } from '../../../src/api/types.js';
import { ApiFailure, api, enc } from '../api.js';
import { SchemaDiff } from '../components/SchemaDiff.js';
import { Badge, Card, Empty, ErrorBox, Loading, PageHeader, Stat } from '../components/ui.js';
import { useCanWrite } from '../context.js';
import { pretty } from '../format.js';

const LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];

export function SubjectPage({ subject }: { subject: string }) {
  const details = useQuery({
    queryKey: ['subject', subject],
    queryFn: () => api<SubjectDetails>(`/schemas/${enc(subject)}`),
  });
  const d = details.data;
  const [left, setLeft] = useState<number | null>(null);
  const [right, setRight] = useState<number | null>(null);
  useEffect(() => {
    if (!d || d.versions.length === 0) return;
    const last = d.versions[d.versions.length - 1]!.version;
    setRight((r) => (r === null || !d.versions.some((v) => v.version === r) ? last : r));
    setLeft((l) =>
      l === null || !d.versions.some((v) => v.version === l)
        ? (d.versions[d.versions.length - 2]?.version ?? last)
        : l,
    );
  }, [d]);
  const leftVersion = d?.versions.find((v) => v.version === left);
  const rightVersion = d?.versions.find((v) => v.version === right);
  return (
    <>
      <PageHeader
        title={
          <>
            <Link href="/schemas" className="crumb">
              Schemas
            </Link>{' '}
            / <span data-testid="subject-name">{subject}</span>
          </>
        }
      />
      <ErrorBox error={details.error} />
      {details.isLoading && <Loading />}
      {d && (
        <>
          <div className="stats">
            <Stat label="Versions" value={d.versions.length} />
            <Stat label="Latest id" value={d.versions[d.versions.length - 1]?.id ?? '—'} />
            <Stat
              label="Compatibility"
              value={<CompatibilityLevel subject={subject} level={d.compatibility} />}
              testId="compatibility"
            />
            <Stat
              label="Used by"
              value={d.topics.length === 0 ? <span className="muted small">no topic seen</span> : null}
              hint={
                <span data-testid="subject-topics">
                  {d.topics.map((t) => (
                    <span key={t.topic} className="topic-chip">
                      <Link href={`/topics/${enc(t.topic)}`}>{t.topic}</Link>
                      <span className="muted small">
                        {' '}
                        ({t.how === 'topic-name' ? 'by name' : 'in records'})
                      </span>
                    </span>
                  ))}
                </span>
              }
            />
          </div>
          <Card
            title="Versions"
            actions={
              d.versions.length > 0 && (
                <span className="diff-pickers">
                  <VersionPicker
                    label="Left"
                    versions={d.versions.map((v) => v.version)}
                    value={left}
                    onChange={setLeft}
                  />
                  <VersionPicker
                    label="Right"
                    versions={d.versions.map((v) => v.version)}
                    value={right}
                    onChange={setRight}
                  />
                </span>
              )
            }
          >
            {d.versions.length === 0 && <Empty>No versions.</Empty>}
            {leftVersion && rightVersion && (
              <>
                <div className="diff-titles">
                  <span>
                    v{leftVersion.version} <span className="muted">id {leftVersion.id}</span>
                  </span>
                  <span>
                    v{rightVersion.version} <span className="muted">id {rightVersion.id}</span>
                  </span>
                </div>
                <SchemaDiff left={leftVersion.schema} right={rightVersion.schema} />
              </>
            )}
          </Card>
          <CheckBox subject={subject} latest={d.versions[d.versions.length - 1]?.schema} />
        </>
      )}
    </>
  );
}

function VersionPicker({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: number[];
  value: number | null;
  onChange: (v: number) => void;
}) {
  return (
    <label className="field inline">
      <span>{label}</span>
      <select
        className="input"
        value={value ?? ''}
        onChange={(e) => onChange(Number(e.target.value))}
        aria-label={`${label} version`}
      >
        {versions.map((v) => (
          <option key={v} value={v}>
            v{v}
          </option>
        ))}
      </select>
    </label>
  );
}

function CompatibilityLevel({ subject, level }: { subject: string; level: string }) {
  const canWrite = useCanWrite();
  const client = useQueryClient();
  const change = useMutation({
    mutationFn: (next: string) =>
      api(`/schemas/${enc(subject)}/compatibility`, { method: 'PUT', body: { level: next } }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['subject', subject] }),
  });
  if (!canWrite) return <Badge tone="info">{level}</Badge>;
  return (
    <>
      <select
        className="input"
        value={level}
        onChange={(e) => change.mutate(e.target.value)}
        aria-label="compatibility level"
        data-testid="compatibility-select"
      >
        {LEVELS.map((l) => (
          <option key={l}>{l}</option>
        ))}
      </select>
      <ErrorBox error={change.error} />
    </>
  );
}

function CheckBox({ subject, latest }: { subject: string; latest?: string }) {
  const canWrite = useCanWrite();
  const client = useQueryClient();
  const [schema, setSchema] = useState(latest ? pretty(latest) : '');
  const [report, setReport] = useState<CompatibilityReport | null>(null);
  const [registered, setRegistered] = useState<number | null>(null);
  const check = useMutation({
    mutationFn: () =>
      api<CompatibilityReport>(`/schemas/${enc(subject)}/check`, { method: 'POST', body: { schema } }),
    onSuccess: (result) => {
      setReport(result);
      setRegistered(null);
    },
  });
  const register = useMutation({
    mutationFn: () =>
      api<{ id: number }>(`/schemas/${enc(subject)}/versions`, { method: 'POST', body: { schema } }),
    onSuccess: async (result) => {
      setRegistered(result.id);
      setReport(null);
      await client.invalidateQueries({ queryKey: ['subject', subject] });
    },
    onError: (error) => {
      // An incompatible schema comes back with the report of what breaks.
      if (error instanceof ApiFailure && error.code === 'SCHEMA_INCOMPATIBLE')
        setReport(error.details as CompatibilityReport);
    },
  });
  const failure =
    check.error ??
    (register.error instanceof ApiFailure && register.error.code === 'SCHEMA_INCOMPATIBLE'
      ? null
      : register.error);
  return (
    <Card title="Check compatibility" testId="check-box">
      <p className="muted">
        Paste a schema to check it against this subject’s versions under its compatibility level
        {canWrite ? ', or register it as a new version' : ''}.
      </p>
      <textarea
        className="input mono"
        rows={12}
        value={schema}
        onChange={(e) => setSchema(e.target.value)}
        aria-label="schema"
        data-testid="check-schema"
      />
      <div className="form-actions left">
        <button
          type="button"
          className="button"
          onClick={() => check.mutate()}
          disabled={check.isPending || !schema.trim()}
          data-testid="check-run"
        >
          Check compatibility
        </button>
        {canWrite && (
          <button
            type="button"
            className="button primary"
            onClick={() => register.mutate()}
            disabled={register.isPending || !schema.trim()}
            data-testid="register-run"
          >
            Register new version
          </button>
        )}
      </div>
      <ErrorBox error={failure} testId="check-error" />
      {registered !== null && (
        <div className="alert alert-ok" data-testid="register-result">
          Registered with schema id {registered}.
        </div>
      )}
      {report && (
        <div data-testid="check-report">
          {report.compatible ? (
            <div className="alert alert-ok">Compatible under {report.level}.</div>
          ) : (
            <div className="alert alert-bad">
              Not compatible under {report.level}: {report.incompatibilities.length} problem
              {report.incompatibilities.length === 1 ? '' : 's'}
              {register.isError ? '; nothing was registered' : ''}.
            </div>
          )}
          {report.incompatibilities.length > 0 && (
            <table className="table compact">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Location</th>
                  <th>With</th>
                  <th>What</th>
                </tr>
              </thead>
              <tbody>
                {report.incompatibilities.map((i, n) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a list that is only ever replaced whole.
                  <tr key={n} data-testid="incompatibility">
                    <td>
                      <Badge tone="bad">{i.type}</Badge>
                    </td>
                    <td className="mono" data-testid="incompatibility-location">
                      {i.location}
                    </td>
                    <td>v{i.version}</td>
                    <td>{i.description}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!report.compatible &&
            report.incompatibilities.length === 0 &&
            report.registryMessages.length > 0 && (
              <ul className="plain-list">
                {report.registryMessages.map((m, n) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a list that is only ever replaced whole.
                  <li key={n} className="mono small">
                    {m}
                  </li>
                ))}
              </ul>
            )}
        </div>
      )}
    </Card>
  );
}
