// Sign in with a handle and password, or with an API token (the admin token printed at first start works).
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Siren } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { signIn, type Credentials } from './shared/api.ts';

export function SignIn() {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<'password' | 'token'>('password');
  const [handle, setHandle] = useState('');
  const [password, setPassword] = useState('');
  const [token, setToken] = useState('');
  const attempt = useMutation({
    mutationFn: (credentials: Credentials) => signIn(credentials),
    onSuccess: (session) => queryClient.setQueryData(['session'], session),
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    attempt.mutate(mode === 'token' ? { token: token.trim() } : { handle: handle.trim(), password });
  }

  return (
    <main className="signin">
      <h1>
        <Siren size={26} aria-hidden />
        Vigil
      </h1>
      <p className="signin-lead">Sign in to answer pages and run incidents.</p>
      <form onSubmit={submit} aria-label="Sign in">
        <fieldset className="modes">
          <legend>Sign in with</legend>
          <label>
            <input type="radio" name="mode" checked={mode === 'password'} onChange={() => setMode('password')} /> Handle
            and password
          </label>
          <label>
            <input type="radio" name="mode" checked={mode === 'token'} onChange={() => setMode('token')} /> API token
          </label>
        </fieldset>
        {mode === 'password' ? (
          <>
            <label>
              Handle
              <input
                name="handle"
                autoComplete="username"
                required
                value={handle}
                onChange={(e) => setHandle(e.target.value)}
              />
            </label>
            <label>
              Password
              <input
                name="password"
                type="password"
                autoComplete="current-password"
                required
                value={password}
                onChange={(e) => setPassword(e.target.value)}
              />
            </label>
          </>
        ) : (
          <label>
            API token
            <input
              name="token"
              type="password"
              autoComplete="off"
              required
              value={token}
              onChange={(e) => setToken(e.target.value)}
            />
          </label>
        )}
        {attempt.isError && (
          <p className="error" role="alert">
            {attempt.error.message}
          </p>
        )}
        <button type="submit" className="primary" disabled={attempt.isPending}>
          {attempt.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="signin-hint">
        First start? The admin token was printed in the server's log and saved as <code>admin-token</code> in its data
        folder (<code>./data</code> unless <code>VIGIL_DATA_DIR</code> says otherwise).
      </p>
    </main>
  );
}
