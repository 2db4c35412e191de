// Entry point: one QueryClient for server state, the router, and the app shell.
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError } from './shared/api.ts';
import { App, Routing } from './App.tsx';
import { applyTheme, storedTheme } from './ui/index.ts';
import './styles.css';

// The theme is applied before the first render, so a dark-theme user never sees a light flash.
applyTheme(storedTheme());

// A 401 anywhere means the session ended (idle, revoked, signed out elsewhere): back to the sign-in screen.
const signedOut = (error: Error) => {
  if (error instanceof ApiError && error.status === 401) queryClient.setQueryData(['session'], null);
};

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: signedOut }),
  mutationCache: new MutationCache({ onError: signedOut }),
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 1,
      refetchOnWindowFocus: true,
      staleTime: 10_000,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <Routing>
          <App />
        </Routing>
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
