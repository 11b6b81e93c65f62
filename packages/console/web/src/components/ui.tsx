/** Small building blocks every page uses: badges, cards, stats, errors, tabs, dialogs. */
import { type ReactNode, useEffect, useRef } from 'react';
import { ApiFailure } from '../api.js';
import { compact, count } from '../format.js';

export type Tone = 'ok' | 'warn' | 'bad' | 'info' | 'muted';

export function Badge({
  tone = 'muted',
  children,
  title,
}: {
  tone?: Tone;
  children: ReactNode;
  title?: string;
}) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** Lag with a colour that says how worried to be. */
export function LagBadge({ lag }: { lag: string | null }) {
  if (lag === null) {
    return (
      <Badge tone="muted" title="nothing committed">
        —
      </Badge>
    );
  }
  const n = Number(lag);
  const tone: Tone = n === 0 ? 'ok' : n < 1000 ? 'warn' : 'bad';
  return (
    <span className={`badge badge-${tone} lag`} data-lag={lag} title={`${count(lag)} records behind`}>
      {compact(lag)}
    </span>
  );
}

const STATE_TONES: Record<string, Tone> = {
  Stable: 'ok',
  Empty: 'muted',
  Dead: 'bad',
  PreparingRebalance: 'warn',
  CompletingRebalance: 'warn',
};

export function StateBadge({ state }: { state: string }) {
  return <Badge tone={STATE_TONES[state] ?? 'info'}>{state}</Badge>;
}

export function Card({
  title,
  actions,
  children,
  testId,
}: {
  title?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <section className="card" data-testid={testId}>
      {(title || actions) && (
        <header className="card-header">
          {title && <h2>{title}</h2>}
          {actions && <div className="card-actions">{actions}</div>}
        </header>
      )}
      <div className="card-body">{children}</div>
    </section>
  );
}

export function Stat({
  label,
  value,
  tone,
  hint,
  testId,
}: {
  label: string;
  value: ReactNode;
  tone?: Tone;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`stat ${tone ? `stat-${tone}` : ''}`} data-testid={testId}>
      <div className="stat-label">{label}</div>
      <div className="stat-value">{value}</div>
      {hint && <div className="stat-hint">{hint}</div>}
    </div>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: ReactNode;
  subtitle?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </div>
  );
}

export function ErrorBox({ error, testId = 'error' }: { error: unknown; testId?: string }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : null;
  return (
    <div
      className={`alert ${failure?.unavailable ? 'alert-warn' : 'alert-bad'}`}
      role="alert"
      data-testid={testId}
    >
      {failure && <strong className="alert-code">{failure.code}</strong>}
      <span>{(error as Error).message}</span>
    </div>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return (
    <div className="loading" aria-busy="true">
      <span className="spinner" /> {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="empty">{children}</div>;
}

export function Tabs<T extends string>({
  tabs,
  value,
  onChange,
}: {
  tabs: { id: T; label: ReactNode }[];
  value: T;
  onChange: (id: T) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {tabs.map((tab) => (
        <button
          key={tab.id}
          type="button"
          role="tab"
          aria-selected={tab.id === value}
          className={tab.id === value ? 'tab active' : 'tab'}
          onClick={() => onChange(tab.id)}
        >
          {tab.label}
        </button>
      ))}
    </div>
  );
}

/** A modal dialog (the browser's own <dialog>): Escape and the backdrop close it. */
export function Dialog({
  open,
  onClose,
  title,
  children,
  testId,
}: {
  open: boolean;
  onClose: () => void;
  title: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      onClose={onClose}
      onClick={(e) => e.target === ref.current && onClose()}
      onKeyDown={(e) => e.key === 'Escape' && onClose()}
      data-testid={testId}
    >
      {open && (
        <div className="dialog-inner">
          <header className="dialog-header">
            <h2>{title}</h2>
            <button type="button" className="icon-button" aria-label="Close dialog" onClick={onClose}>
              ×
            </button>
          </header>
          {children}
        </div>
      )}
    </dialog>
  );
}

let rowIds = 0;
/** Keys for form rows the user adds and removes (configs, headers). */
export function nextRowId(): number {
  rowIds += 1;
  return rowIds;
}
