// A service's state as a badge: the word, coloured by how good it is.
import type { ServiceStatus } from '../shared/api.ts';
import { STATUS_LABEL } from '../shared/service-api.ts';
import { Badge, type Tone } from '../ui/index.ts';

const STATUS_TONE: Record<ServiceStatus, Tone> = {
  operational: 'success',
  degraded: 'warning',
  down: 'danger',
  maintenance: 'neutral',
};

/** "Operational", "Down" …; "Unknown" until the health check answers. */
export function ServiceState({ status }: { status: ServiceStatus | undefined }) {
  return status ? <Badge tone={STATUS_TONE[status]}>{STATUS_LABEL[status]}</Badge> : <Badge>Unknown</Badge>;
}
