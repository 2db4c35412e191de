// The shell: ask who is signed in, show the sign-in screen when nobody is, else the header, the
// navigation and the routes. Every screen but the incident list loads on demand, which keeps the
// initial JavaScript small for a phone on a poor connection.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { Link, Navigate, NavLink, Route, Routes } from 'react-router';
import { currentSession, signOut } from './shared/api.ts';
import { Incidents } from './incidents/incidents-screen.tsx';
import { SignIn } from './sign-in-screen.tsx';

const IncidentPage = lazy(() => import('./incidents/incident-page.tsx').then((m) => ({ default: m.IncidentPage })));
const OnCall = lazy(() => import('./oncall/oncall-screen.tsx').then((m) => ({ default: m.OnCall })));
const Services = lazy(() => import('./services/services-screen.tsx').then((m) => ({ default: m.Services })));
const Dashboards = lazy(() => import('./dashboards/dashboards-screen.tsx').then((m) => ({ default: m.Dashboards })));
const Settings = lazy(() => import('./settings/settings-screen.tsx').then((m) => ({ default: m.Settings })));

const NAV = [
  ['/incidents', 'Incidents'],
  ['/oncall', 'On-call'],
  ['/services', 'Services'],
  ['/dashboards', 'Dashboards'],
  ['/settings', 'Settings'],
] as const;

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

  if (session.isPending) return <p className="notice">Loading…</p>;
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
          Vigil
        </Link>
        <nav aria-label="Main">
          {NAV.map(([to, label]) => (
            <NavLink key={to} to={to}>
              {label}
            </NavLink>
          ))}
        </nav>
        <span className="who">
          {me.user.handle} <span className="role">({me.role})</span>
        </span>
        <button type="button" onClick={() => out.mutate()} disabled={out.isPending}>
          Sign out
        </button>
      </header>
      <main>
        <Suspense fallback={<p className="notice">Loading…</p>}>
          <Routes>
            <Route path="/" element={<Navigate to="/incidents" replace />} />
            <Route path="/incidents" element={<Incidents role={me.role} />} />
            <Route path="/incidents/:ref" element={<IncidentPage session={me} />} />
            <Route path="/oncall" element={<OnCall session={me} />} />
            <Route path="/services/*" element={<Services session={me} />} />
            <Route path="/dashboards/*" element={<Dashboards session={me} />} />
            <Route path="/settings/*" element={<Settings session={me} />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <p className="notice">
      Nothing here. <Link to="/incidents">Back to incidents</Link>
    </p>
  );
}
