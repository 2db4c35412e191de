// Adding or changing a component (admins): its public name, description and group heading, its place in the
// list, whether the public sees it, and the services and monitors its status follows.
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import type { Monitor, Service, StatusComponent } from '../shared/api.ts';
import { Problem } from '../shared/form-kit.tsx';
import { createComponent, STATUS_KEY, updateComponent, type ComponentFields } from '../shared/status-api.ts';
import { Button, Dialog, toast } from '../ui/index.ts';
import { CheckList } from './check-list.tsx';

export function ComponentDialog({
  component,
  services,
  monitors,
  nextPosition,
  onClose,
}: {
  /** null: a new component. */
  component: StatusComponent | null;
  services: Service[];
  monitors: Monitor[];
  nextPosition: number;
  onClose: () => void;
}) {
  const queryClient = useQueryClient();
  const [form, setForm] = useState<ComponentFields>(
    component
      ? {
          name: component.name,
          description: component.description,
          group: component.group,
          position: component.position,
          service_ids: component.service_ids,
          monitor_ids: component.monitor_ids,
          public: component.public,
          only_show_if_degraded: component.only_show_if_degraded,
        }
      : {
          name: '',
          description: null,
          group: null,
          position: nextPosition,
          service_ids: [],
          monitor_ids: [],
          public: true,
          only_show_if_degraded: false,
        },
  );
  const set = (patch: Partial<ComponentFields>) => setForm({ ...form, ...patch });
  const save = useMutation({
    mutationFn: (body: ComponentFields) => (component ? updateComponent(component.id, body) : createComponent(body)),
    onSuccess: (saved) => {
      void queryClient.invalidateQueries({ queryKey: STATUS_KEY });
      toast(component ? `Saved ${saved.name}` : `Added ${saved.name}`);
      onClose();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = (s: string | null) => (s?.trim() ? s.trim() : null);
    save.mutate({ ...form, name: form.name.trim(), description: text(form.description), group: text(form.group) });
  };
  const serviceName = (id: string) => services.find((s) => s.id === id)?.name ?? id;

  return (
    <Dialog isOpen onClose={onClose} title={component ? `Edit ${component.name}` : 'Add a component'}>
      <form className="ui-form status-component-form" onSubmit={submit} aria-label="Component">
        <label className="wide">
          Name
          <input
            value={form.name}
            onChange={(e) => set({ name: e.target.value })}
            required
            maxLength={200}
            placeholder="Checkout"
            autoComplete="off"
          />
        </label>
        <label className="wide">
          Description (public)
          <input
            value={form.description ?? ''}
            onChange={(e) => set({ description: e.target.value })}
            maxLength={2000}
            autoComplete="off"
          />
        </label>
        <label>
          Group
          <input
            value={form.group ?? ''}
            onChange={(e) => set({ group: e.target.value })}
            maxLength={200}
            placeholder="None"
            autoComplete="off"
          />
        </label>
        <label>
          Position
          <input
            type="number"
            min={0}
            max={100000}
            value={form.position}
            onChange={(e) => set({ position: Math.max(0, Math.trunc(Number(e.target.value) || 0)) })}
          />
        </label>
        <label className="check wide">
          <input type="checkbox" checked={form.public} onChange={(e) => set({ public: e.target.checked })} /> Shown on
          the public page
        </label>
        <label className="check wide">
          <input
            type="checkbox"
            checked={form.only_show_if_degraded}
            onChange={(e) => set({ only_show_if_degraded: e.target.checked })}
          />{' '}
          Shown only while it is not operational
        </label>
        <CheckList
          legend="Services it follows"
          items={services.map((s) => ({ id: s.id, label: s.name }))}
          chosen={form.service_ids}
          onChange={(ids) => set({ service_ids: ids })}
          none="No services yet."
        />
        <CheckList
          legend="Monitors it follows"
          items={monitors.map((m) => ({
            id: m.id,
            label: (
              <>
                {m.name} <span className="ui-muted ui-small">({serviceName(m.service_id)})</span>
              </>
            ),
          }))}
          chosen={form.monitor_ids}
          onChange={(ids) => set({ monitor_ids: ids })}
          none="No monitors yet."
        />
        <Problem error={save.error} />
        <div className="buttons">
          <Button onPress={onClose}>Cancel</Button>
          <Button type="submit" variant="primary" isDisabled={save.isPending || !form.name.trim()}>
            {component ? 'Save component' : 'Add component'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
