// "Roll back this deploy": under an incident's "Recent changes" timeline entry, a button for each action a change
// event offers (GET /api/v1/actions/offers/{change_id}), which opens the run dialog with the offer's values. A
// change that offers nothing shows nothing. Only the incident page has it: an action always runs on an incident.
import { Undo2 } from 'lucide-react';
import type { ActionOffer, TimelineEvent } from '../shared/api.ts';
import { useOffers } from '../shared/actions-api.ts';
import { Button } from '../ui/index.ts';

interface Change {
  id: string;
  summary: string;
}

/** The changes a `recent_changes` entry lists (id and summary), the others left out. */
function changesOf(event: TimelineEvent): Change[] {
  const list = Array.isArray(event.data.changes) ? (event.data.changes as unknown[]) : [];
  return list.flatMap((c) => {
    const o = c !== null && typeof c === 'object' ? (c as Record<string, unknown>) : {};
    return typeof o.id === 'string' ? [{ id: o.id, summary: typeof o.summary === 'string' ? o.summary : o.id }] : [];
  });
}

export function ChangeOffers({ event, onOffer }: { event: TimelineEvent; onOffer: (offer: ActionOffer) => void }) {
  if (event.kind !== 'recent_changes') return null;
  const changes = changesOf(event);
  return (
    <>
      {changes.map((change) => (
        <Offers key={change.id} change={change} alone={changes.length === 1} onOffer={onOffer} />
      ))}
    </>
  );
}

function Offers({ change, alone, onOffer }: { change: Change; alone: boolean; onOffer: (offer: ActionOffer) => void }) {
  const offers = useOffers(change.id);
  const list = offers.data?.data ?? [];
  if (list.length === 0) return null;
  return (
    <div className="change-offers">
      {list.map((offer) => (
        <Button key={offer.definition_id} size="sm" icon={Undo2} onPress={() => onOffer(offer)}>
          {alone ? 'Roll back this deploy' : `Roll back “${change.summary}”`}
          {list.length > 1 && <span className="ui-muted"> ({offer.name})</span>}
        </Button>
      ))}
    </div>
  );
}
