// The shell: ask who is signed in, show the sign-in screen when nobody is, else the header and routes.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, Navigate, Route, Routes } from 'react-router';
import { currentSession, signOut } from './api.ts';
import { Incidents } from './Incidents.tsx';
import { SignIn } from './SignIn.tsx';

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
  if (session.isError) return <p className="notice error" role="alert">Cannot reach Vigil: {session.error.message}</p>;
  if (!session.data) return <SignIn />;

  const me = session.data;
  return (
    <>
      <header className="bar">
        <Link to="/incidents" className="brand">Vigil</Link>
        <span className="who">
          {me.user.handle} <span className="role">({me.role})</span>
        </span>
        <button type="button" onClick={() => out.mutate()} disabled={out.isPending}>
          Sign out
        </button>
      </header>
      <main>
        <Routes>
          <Route path="/" element={<Navigate to="/incidents" replace />} />
          <Route path="/incidents" element={<Incidents role={me.role} />} />
          <Route path="/incidents/:ref" element={<Incidents role={me.role} />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
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
