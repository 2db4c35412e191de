// The Status page screen (/status-page): what customers see at /status and how it is run. Four tabs, each a
// nested route so a tab can be linked to: the components and their status (set by hand here when the automatic
// one is wrong), scheduled maintenance, the subscribers (admins: personal data), and the page's settings with
// the per-service auto-publish rules. Incidents are published from the incident page, not from here.
import { useQuery } from '@tanstack/react-query';
import { ExternalLink } from 'lucide-react';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes, useParams } from 'react-router';
import type { Session } from '../shared/api.ts';
import { getSettings, publicPagePath, settingsKey } from '../shared/status-api.ts';
import { ButtonLink, Tabs } from '../ui/index.ts';
import { ComponentsTab } from './status-components.tsx';
import { MaintenanceTab } from './status-maintenance.tsx';
import { SettingsTab } from './status-settings.tsx';
import { SubscribersTab } from './status-subscribers.tsx';
import './status.css';

const TABS = [
  ['components', 'Components'],
  ['maintenance', 'Maintenance'],
  ['subscribers', 'Subscribers'],
  ['settings', 'Settings'],
] as const;
type TabId = (typeof TABS)[number][0];

export function StatusScreen({ session }: { session: Session }) {
  return (
    <Routes>
      <Route index element={<Navigate to="/status-page/components" replace />} />
      <Route path=":tab" element={<StatusTabs session={session} />} />
    </Routes>
  );
}

function StatusTabs({ session }: { session: Session }) {
  const { tab = '' } = useParams();
  const settings = useQuery({ queryKey: settingsKey, queryFn: getSettings });
  if (!TABS.some(([id]) => id === tab)) return <Navigate to="/status-page/components" replace />;
  const content: Record<TabId, ReactNode> = {
    components: <ComponentsTab session={session} />,
    maintenance: <MaintenanceTab session={session} />,
    subscribers: <SubscribersTab session={session} />,
    settings: <SettingsTab session={session} />,
  };
  return (
    <section className="status-screen" aria-labelledby="status-title">
      <div className="heading">
        <h1 id="status-title">Status page</h1>
        <span className="ui-muted ui-small">
          What customers see{settings.data ? ` at ${settings.data.page_url}` : ''}: components, published incidents and
          maintenance. Nothing about an incident is public until someone publishes it from the incident.
        </span>
        <ButtonLink size="sm" icon={ExternalLink} href={publicPagePath(settings.data?.page_url)} newTab>
          Open public page
        </ButtonLink>
      </div>
      <Tabs
        label="Status page"
        selected={tab}
        items={TABS.map(([id, label]) => ({ id, label, href: `/status-page/${id}`, content: content[id] }))}
      />
    </section>
  );
}
