// The Settings tab: the public page's name, logo, time zone and how long maintenance is verified before it
// completes, and per service the auto-publish rule (off unless an admin turns it on): an unacknowledged P0 on
// that service is published with the given text after so many minutes. Everyone reads; admins change.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import type { Service, Session, StatusSettingsView } from '../shared/api.ts';
import { AdminsOnly, FormPanel, Problem, ZoneOptions } from '../shared/form-kit.tsx';
import { getServices } from '../shared/service-api.ts';
import { getSettings, saveSettings, settingsKey } from '../shared/status-api.ts';
import { Skeleton, toast } from '../ui/index.ts';

type Rules = StatusSettingsView['auto_publish'];
const DEFAULT_RULE = {
  after_minutes: 15,
  body: 'We are investigating a problem affecting this service and will post an update soon.',
};

export function SettingsTab({ session }: { session: Session }) {
  const settings = useQuery({ queryKey: settingsKey, queryFn: getSettings });
  const services = useQuery({ queryKey: ['services', 'list'], queryFn: getServices, staleTime: 60_000 });
  if (!settings.data || !services.data)
    return (
      <>
        <Problem error={settings.error ?? services.error} />
        {(settings.isPending || services.isPending) && <Skeleton label="Loading the settings" />}
      </>
    );
  return (
    <SettingsForm
      key={settings.data.updated_at ?? 'defaults'}
      settings={settings.data}
      services={services.data.data}
      isAdmin={session.role === 'admin'}
    />
  );
}

function SettingsForm({
  settings,
  services,
  isAdmin,
}: {
  settings: StatusSettingsView;
  services: Service[];
  isAdmin: boolean;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(settings.name);
  const [logo, setLogo] = useState(settings.logo_url ?? '');
  const [zone, setZone] = useState(settings.time_zone);
  const [verify, setVerify] = useState(settings.verify_minutes);
  const [rules, setRules] = useState<Rules>(settings.auto_publish);
  const save = useMutation({
    mutationFn: () =>
      saveSettings({
        name: name.trim(),
        logo_url: logo.trim() || null,
        time_zone: zone.trim(),
        verify_minutes: verify,
        auto_publish: rules,
      }),
    onSuccess: (saved) => {
      queryClient.setQueryData(settingsKey, saved);
      toast('Status page settings saved');
    },
  });
  const setRule = (serviceId: string, rule: Rules[string] | null) => {
    const next = { ...rules };
    if (rule) next[serviceId] = rule;
    else delete next[serviceId];
    setRules(next);
  };

  return (
    <FormPanel
      titleId="status-settings-title"
      title="Page settings"
      label="Status page settings"
      pending={save.isPending || !isAdmin}
      submitLabel="Save settings"
      error={save.error}
      onSubmit={() => save.mutate()}
      intro={!isAdmin && <AdminsOnly>You can read the settings; an admin changes them.</AdminsOnly>}
    >
      <fieldset className="wide status-settings-fields" disabled={!isAdmin}>
        <legend>The page</legend>
        <label>
          Name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </label>
        <label>
          Logo URL
          <input
            type="url"
            value={logo}
            onChange={(e) => setLogo(e.target.value)}
            placeholder="https://example.com/logo.svg"
            maxLength={2000}
          />
        </label>
        <label>
          Time zone (times on the page)
          <input value={zone} onChange={(e) => setZone(e.target.value)} required list="status-zones" />
          <ZoneOptions id="status-zones" />
        </label>
        <label>
          Verify minutes (after maintenance ends)
          <input
            type="number"
            min={0}
            max={1440}
            value={verify}
            onChange={(e) => setVerify(Math.max(0, Math.trunc(Number(e.target.value) || 0)))}
          />
        </label>
      </fieldset>
      <fieldset className="wide status-auto-publish" disabled={!isAdmin}>
        <legend>Auto-publish (off unless turned on for a service)</legend>
        <p className="ui-muted ui-small">
          A P0 incident on the service that nobody acknowledges within the minutes given is published with this text.
          Everything else is published only by a person.
        </p>
        {services.length === 0 && <p className="ui-muted ui-small">No services yet.</p>}
        {services.map((s) => {
          const rule = rules[s.id];
          return (
            <div key={s.id} className="status-rule" role="group" aria-label={`Auto-publish for ${s.name}`}>
              <label className="check">
                <input
                  type="checkbox"
                  checked={rule !== undefined}
                  onChange={(e) => setRule(s.id, e.target.checked ? DEFAULT_RULE : null)}
                />{' '}
                {s.name}
              </label>
              {rule && (
                <>
                  <label>
                    After minutes unacknowledged
                    <input
                      type="number"
                      min={1}
                      max={1440}
                      value={rule.after_minutes}
                      onChange={(e) =>
                        setRule(s.id, { ...rule, after_minutes: Math.max(1, Math.trunc(Number(e.target.value) || 1)) })
                      }
                    />
                  </label>
                  <label className="status-rule-body">
                    Text published
                    <textarea
                      rows={2}
                      value={rule.body}
                      onChange={(e) => setRule(s.id, { ...rule, body: e.target.value })}
                      required
                      maxLength={10_000}
                    />
                  </label>
                </>
              )}
            </div>
          );
        })}
      </fieldset>
    </FormPanel>
  );
}
