// "Technical details": where function names, route paths and rule ids go, one click away from the
// plain words. Also usable as a tooltip-like inline hint via `inline`.
import { ChevronRight } from 'lucide-react';
import type { ReactNode } from 'react';

export function Details({ summary = 'Technical details', children }: { summary?: string; children: ReactNode }) {
  return (
    <details className="ui-details">
      <summary>
        <ChevronRight size={14} aria-hidden className="ui-details-chevron" />
        {summary}
      </summary>
      <div className="ui-details-body">{children}</div>
    </details>
  );
}
