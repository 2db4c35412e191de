// The runbook's monitoring dashboards ("Tools and Resources"): production health, database
// performance, error tracking and GDPR compliance (with a page per breach), each built on the runbook's
// functions or the API behind them. This module and its charts load only when a dashboard is opened.
import { lazy, Suspense } from 'react';
import { Link, Route, Routes } from 'react-router';
import type { Session } from '../shared/api.ts';
import { Details } from '../ui/index.ts';
import './dashboards.css';

// Each dashboard (and uPlot with the first of them) loads when it is opened, not with the list.
const ProductionHealth = lazy(() =>
  import('./dashboard-production.tsx').then((m) => ({ default: m.ProductionHealth })),
);
const DatabasePerformance = lazy(() =>
  import('./dashboard-database.tsx').then((m) => ({ default: m.DatabasePerformance })),
);
const ErrorTracking = lazy(() => import('./dashboard-errors.tsx').then((m) => ({ default: m.ErrorTracking })));
const GdprDashboard = lazy(() => import('./dashboard-gdpr.tsx').then((m) => ({ default: m.GdprDashboard })));
const BreachPage = lazy(() => import('./gdpr-breach-page.tsx').then((m) => ({ default: m.BreachPage })));

const DASHBOARDS = [
  [
    'production-health',
    'Production health',
    'Whether every service and Vigil itself are working, and how fast the services answer compared with usual.',
    'production-monitoring: health_check, performance_report',
  ],
  [
    'database',
    'Database performance',
    'How busy the database is: connections against their limit, queries waiting on each other, memory hits.',
    'database-scalability: health_check, connection_pool_status, performance_analysis',
  ],
  [
    'errors',
    'Error tracking',
    'Errors your applications report over time, the most frequent, new ones and those that came back.',
    'error-tracking: get_error_analytics',
  ],
  [
    'gdpr',
    'GDPR compliance',
    'Breaches against their 72-hour clock, data-subject requests by deadline, consent coverage and the ledger.',
    'gdpr-compliance: compliance_report, get_consent_status',
  ],
] as const;

// Every role may read the dashboards; only resolving an error group needs more than a viewer.
export function Dashboards({ session }: { session: Session }) {
  return (
    <Suspense fallback={<p className="notice">Loading dashboard…</p>}>
      <Routes>
        <Route index element={<DashboardList />} />
        <Route path="production-health" element={<ProductionHealth />} />
        <Route path="database" element={<DatabasePerformance />} />
        <Route path="errors" element={<ErrorTracking canResolve={session.role !== 'viewer'} />} />
        <Route path="gdpr" element={<GdprDashboard session={session} />} />
        <Route path="gdpr/breaches/:ref" element={<BreachPage session={session} />} />
        <Route
          path="*"
          element={
            <p className="notice">
              No such dashboard. <Link to="/dashboards">All dashboards</Link>
            </p>
          }
        />
      </Routes>
    </Suspense>
  );
}

function DashboardList() {
  return (
    <section className="dashboard" aria-labelledby="dashboards-title">
      <div className="heading">
        <h1 id="dashboards-title">Dashboards</h1>
      </div>
      <p className="dash-intro">
        The runbook’s monitoring dashboards. Figures refresh every 30 seconds while a dashboard is open.
      </p>
      <ul className="dash-list">
        {DASHBOARDS.map(([slug, title, text]) => (
          <li key={slug}>
            <Link to={`/dashboards/${slug}`} className="dash-link">
              <span className="dash-link-title">{title}</span>
              <span>{text}</span>
            </Link>
          </li>
        ))}
      </ul>
      <Details>
        <ul className="dash-sources">
          {DASHBOARDS.map(([slug, title, , source]) => (
            <li key={slug}>
              {title}: <code>{source}</code>
            </li>
          ))}
        </ul>
      </Details>
    </section>
  );
}
