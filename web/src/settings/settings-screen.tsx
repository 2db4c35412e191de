// Settings: one tab per area, each its own nested route under /settings. Everyone may look; changes
// are for admins (a person may also manage their own contact methods and notification rules), and
// the server refuses the rest anyway.
import { Navigate, NavLink, Route, Routes } from 'react-router';
import type { Session } from '../shared/api.ts';
import { ActionPage } from './action-page.tsx';
import { ActionsTab } from './actions.tsx';
import { GdprSettingsTab } from './gdpr-settings.tsx';
import { PoliciesTab } from './policies.tsx';
import { RunbookPage } from './runbook-page.tsx';
import { RunbooksTab } from './runbooks.tsx';
import { RunnersTab } from './runners.tsx';
import { SchedulesTab } from './schedules.tsx';
import { StakeholdersTab } from './stakeholders.tsx';
import { TemplatesTab } from './templates.tsx';
import { TokensTab } from './tokens.tsx';
import { UserPage } from './user-page.tsx';
import { UsersTab } from './users.tsx';
import './settings.css';

const TABS = [
  ['users', 'Users'],
  ['tokens', 'API tokens'],
  ['stakeholders', 'Stakeholders'],
  ['templates', 'Templates'],
  ['runbooks', 'Runbooks'],
  ['actions', 'Actions'],
  ['runners', 'Runners'],
  ['escalation', 'Escalation'],
  ['schedules', 'Schedules'],
  ['gdpr', 'GDPR'],
] as const;

export function Settings({ session }: { session: Session }) {
  return (
    <section className="settings" aria-labelledby="settings-title">
      <div className="heading">
        <h1 id="settings-title">Settings</h1>
        {session.role !== 'admin' && (
          <span className="ui-muted ui-small">Read-only: you are signed in as a {session.role}.</span>
        )}
      </div>
      <nav className="settings-tabs" aria-label="Settings">
        {TABS.map(([path, label]) => (
          <NavLink key={path} to={`/settings/${path}`}>
            {label}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Navigate to="/settings/users" replace />} />
        <Route path="users" element={<UsersTab session={session} />} />
        <Route path="users/:ref" element={<UserPage session={session} />} />
        <Route path="tokens" element={<TokensTab session={session} />} />
        <Route path="stakeholders" element={<StakeholdersTab session={session} />} />
        <Route path="templates" element={<TemplatesTab session={session} />} />
        <Route path="runbooks" element={<RunbooksTab session={session} />} />
        <Route path="runbooks/:runbookId" element={<RunbookPage session={session} />} />
        <Route path="actions" element={<ActionsTab session={session} />} />
        <Route path="actions/:actionId" element={<ActionPage session={session} />} />
        <Route path="runners" element={<RunnersTab session={session} />} />
        <Route path="escalation" element={<PoliciesTab session={session} />} />
        <Route path="schedules" element={<SchedulesTab session={session} />} />
        <Route path="gdpr" element={<GdprSettingsTab session={session} />} />
        <Route path="*" element={<p className="notice">No such settings page.</p>} />
      </Routes>
    </section>
  );
}
