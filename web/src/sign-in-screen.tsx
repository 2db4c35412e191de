// Sign in with a handle and password, or with an API token (the admin token printed at first start works).
import { useMutation, useQueryClient } from '@tanstack/react-query';
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
      <h1>Vigil</h1>
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
        <button type="submit" disabled={attempt.isPending}>
          {attempt.isPending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
