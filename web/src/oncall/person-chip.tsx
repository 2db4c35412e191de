// A person as the on-call screen shows them: a round avatar with their initials in their own colour
// (the same colour as their bars on the timeline), their name, and "you" for the signed-in person.
import type { usePeople } from '../shared/resources.ts';
import { personColour } from './timeline-layout.ts';

export type People = ReturnType<typeof usePeople>;

/** "AL" for Ada Lovelace; the handle's first letters for someone without a name yet. */
function initials(name: string): string {
  const words = name.split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '') + (words.length > 1 ? (words.at(-1)?.[0] ?? '') : '')).toUpperCase() || '?';
}

/** The name people read: "Ada Lovelace", or the id while the list of people is loading. */
export function personName(people: People, userId: string): string {
  return people.byId.get(userId)?.name ?? userId;
}

/** The person's colour, 1–8, the same for their avatar and their bars. */
export function colourOf(people: People, userId: string): number {
  return personColour(
    userId,
    people.list.map((u) => u.id),
  );
}

export function Avatar({ people, userId }: { people: People; userId: string }) {
  return (
    <span className={`oc-avatar oc-p${colourOf(people, userId)}`} aria-hidden>
      {initials(personName(people, userId))}
    </span>
  );
}

export function PersonChip({ people, userId, me }: { people: People; userId: string; me: string }) {
  return (
    <span className="oc-chip">
      <Avatar people={people} userId={userId} />
      <span className="oc-chip-name">{people.label(userId)}</span>
      {userId === me && <span className="oc-you">you</span>}
    </span>
  );
}
