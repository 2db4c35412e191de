// The shell: ask who is signed in, show the sign-in screen when nobody is, else the header, the
// navigation and the routes. Every screen but the incident list loads on demand, which keeps the
// initial JavaScript small for a phone on a poor connection.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ChartColumn,
  ChartLine,
  ListChecks,
  LogOut,
  RadioTower,
  Server,
  Settings as SettingsIcon,
  Siren,
  Users,
} from 'lucide-react';
import { lazy, Suspense, type ReactNode } from 'react';
import { RouterProvider } from 'react-aria-components';
import { Link, Navigate, NavLink, Route, Routes, useHref, useNavigate, useParams } from 'react-router';
import { currentSession, signOut } from './shared/api.ts';
import { IconButton, Skeleton, ThemeSwitch, Toasts } from './ui/index.ts';
import { Incidents } from './incidents/incidents-screen.tsx';
import { SignIn } from './sign-in-screen.tsx';

const IncidentPage = lazy(() => import('./incidents/incident-page.tsx').then((m) => ({ default: m.IncidentPage })));
const PostmortemPage = lazy(() =>
  import('./postmortems/postmortem-page.tsx').then((m) => ({ default: m.PostmortemPage })),
);
const OnCall = lazy(() => import('./oncall/oncall-screen.tsx').then((m) => ({ default: m.OnCall })));
const Services = lazy(() => import('./services/services-screen.tsx').then((m) => ({ default: m.Services })));
const FollowUps = lazy(() => import('./follow-ups/follow-ups-screen.tsx').then((m) => ({ default: m.FollowUps })));
const Analytics = lazy(() => import('./analytics/analytics-screen.tsx').then((m) => ({ default: m.Analytics })));
const Dashboards = lazy(() => import('./dashboards/dashboards-screen.tsx').then((m) => ({ default: m.Dashboards })));
const StatusScreen = lazy(() => import('./status/status-screen.tsx').then((m) => ({ default: m.StatusScreen })));
const Settings = lazy(() => import('./settings/settings-screen.tsx').then((m) => ({ default: m.Settings })));
const DesignSystem = lazy(() => import('./design/design-screen.tsx').then((m) => ({ default: m.DesignSystem })));

// The phone's bottom bar has room for seven tabs at most; the status page, run now and then rather than
// during every incident, is left out of it (`wide`) and reached on a phone from the incident page's
// "Status page" panel and the Services screen.
const NAV = [
  ['/incidents', 'Incidents', Siren, 'always'],
  ['/oncall', 'On-call', Users, 'always'],
  ['/services', 'Services', Server, 'always'],
  ['/follow-ups', 'Follow-ups', ListChecks, 'always'],
  ['/dashboards', 'Dashboards', ChartLine, 'always'],
  ['/analytics', 'Analytics', ChartColumn, 'always'],
  ['/status-page', 'Status page', RadioTower, 'wide'],
  ['/settings', 'Settings', SettingsIcon, 'always'],
] as const;

/** Lets the design system's links (react-aria) navigate through React Router instead of reloading. */
export function Routing({ children }: { children: ReactNode }) {
  const navigate = useNavigate();
  return (
    <RouterProvider navigate={(to) => void navigate(to)} useHref={useHref}>
      {children}
    </RouterProvider>
  );
}

export function App() {
  const queryClient = useQueryClient();
  const session = useQuery({ queryKey: ['session'], queryFn: currentSession, staleTime: 60_000 });
  const out = useMutation({
    mutationFn: signOut,
    onSettled: () => {
      queryClient.clear();
      queryClient.setQueryData(['session'], null);
    },
  });

  if (session.isPending) return <Skeleton label="Loading Vigil" />;
  if (session.isError)
    return (
      <p className="notice error" role="alert">
        Cannot reach Vigil: {session.error.message}
      </p>
    );
  if (!session.data) return <SignIn />;

  const me = session.data;
  return (
    <>
      <header className="bar">
        <Link to="/incidents" className="brand">
          <Siren size={20} aria-hidden />
          Vigil
        </Link>
        <nav aria-label="Main" className="nav">
          {NAV.map(([to, label, Icon, shown]) => (
            <NavLink key={to} to={to} className={shown === 'wide' ? 'nav-wide' : undefined} title={label}>
              <Icon size={16} aria-hidden />
              <span className="nav-label">{label}</span>
            </NavLink>
          ))}
        </nav>
        <ThemeSwitch />
        <span className="who" title={`Signed in as ${me.user.handle} (${me.role})`}>
          <span className="avatar" aria-hidden>
            {me.user.handle.slice(0, 2)}
          </span>
          <span className="who-text">
            {me.user.handle} <span className="ui-muted">· {me.role}</span>
          </span>
        </span>
        <IconButton icon={LogOut} label="Sign out" onPress={() => out.mutate()} isDisabled={out.isPending} />
      </header>
      <main>
        <Suspense fallback={<Skeleton />}>
          <Routes>
            <Route path="/" element={<Navigate to="/incidents" replace />} />
            <Route path="/incidents" element={<Incidents role={me.role} />} />
            <Route path="/incidents/:ref" element={<IncidentPage session={me} />} />
            <Route path="/incidents/:ref/postmortem" element={<PostmortemPage session={me} />} />
            <Route path="/oncall" element={<OnCall session={me} />} />
            <Route path="/services/*" element={<Services session={me} />} />
            <Route path="/follow-ups" element={<FollowUps session={me} />} />
            <Route path="/dashboards/*" element={<Dashboards session={me} />} />
            <Route path="/analytics" element={<Analytics />} />
            <Route path="/gdpr/*" element={<ToGdprDashboard />} />
            <Route path="/status-page/*" element={<StatusScreen session={me} />} />
            <Route path="/settings/*" element={<Settings session={me} />} />
            <Route path="/design" element={<DesignSystem />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
      <Toasts />
    </>
  );
}

/** The server's GDPR reminders link to /gdpr/breaches/BR-…: the breach pages live under the GDPR dashboard. */
function ToGdprDashboard() {
  const { '*': rest = '' } = useParams();
  return <Navigate to={`/dashboards/gdpr/${rest}`} replace />;
}

function NotFound() {
  return (
    <p className="notice">
      Nothing here. <Link to="/incidents">Back to incidents</Link>
    </p>
  );
}
