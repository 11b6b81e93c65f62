/** The frame of every page: navigation, the connection banner, and the page itself. */
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { Link, useLocation } from 'wouter';
import type { HealthReport } from '../../../src/api/types.js';
import { api } from '../api.js';
import { useInfo } from '../context.js';

const NAV = [
  { href: '/', label: 'Overview', icon: '◎' },
  { href: '/topics', label: 'Topics', icon: '≡' },
  { href: '/groups', label: 'Consumer groups', icon: '⇄' },
  { href: '/schemas', label: 'Schemas', icon: '{ }' },
];

export function Layout({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const info = useInfo();
  return (
    <div className="shell">
      <aside className="sidebar">
        <Link href="/" className="brand">
          <span className="brand-mark">S</span>
          <span>
            Samsa <strong>Console</strong>
          </span>
        </Link>
        <nav>
          {NAV.map((item) => {
            const active = item.href === '/' ? location === '/' : location.startsWith(item.href);
            return (
              <Link key={item.href} href={item.href} className={active ? 'nav-link active' : 'nav-link'}>
                <span className="nav-icon" aria-hidden="true">
                  {item.icon}
                </span>
                {item.label}
              </Link>
            );
          })}
        </nav>
        <div className="sidebar-foot">
          {info?.readOnly && (
            <div className="read-only-badge" data-testid="read-only">
              Read-only
            </div>
          )}
          <div className="sidebar-meta" title={info?.brokers.join(', ')}>
            {info ? info.brokers.join(', ') : ''}
          </div>
          {info && <div className="sidebar-meta">v{info.version}</div>}
        </div>
      </aside>
      <main className="content">
        <ConnectionBanner />
        {children}
      </main>
    </div>
  );
}

/** Says when Kafka, the registry or the console itself stops answering, and goes away when they are back. */
function ConnectionBanner() {
  const health = useQuery({
    queryKey: ['health'],
    queryFn: () => api<HealthReport>('/health'),
    refetchInterval: 3000,
    retry: false,
  });
  if (health.error) {
    return (
      <div className="banner banner-bad" role="status" data-testid="connection-banner">
        The console server does not answer. Retrying…
      </div>
    );
  }
  const report = health.data;
  if (!report) return null;
  const problems: string[] = [];
  if (!report.kafka.ok) problems.push(`Kafka is unreachable (${report.kafka.error ?? 'no answer'})`);
  if (report.registry && !report.registry.ok)
    problems.push(`The schema registry is unreachable (${report.registry.error ?? 'no answer'})`);
  if (problems.length === 0) return null;
  return (
    <div className="banner banner-bad" role="status" data-testid="connection-banner">
      <span className="pulse" /> {problems.join('. ')}. Retrying every few seconds…
    </div>
  );
}
