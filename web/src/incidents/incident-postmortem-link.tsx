// The incident's post-mortem in its header: a link to it when there is one, else, for a responder on a resolved
// incident, a button that starts one (P0/P1 incidents get theirs when they resolve; others on request). Whether
// one exists is read from the incident's timeline, which the page loads anyway (`postmortem_created` and the
// state changes after it): asking GET …/postmortem would answer 404 for most incidents, an error in the console.
import { useInfiniteQuery, useMutation, type QueryKey } from '@tanstack/react-query';
import { FileText } from 'lucide-react';
import { useNavigate } from 'react-router';
import { api, ApiError } from '../shared/api.ts';
import { Button, ButtonLink, toast } from '../ui/index.ts';
import { getTimeline } from './incident-api.ts';

const STATE_OF: Record<string, string> = {
  postmortem_created: 'draft',
  postmortem_draft: 'draft',
  postmortem_in_review: 'in review',
  postmortem_published: 'published',
};

export function PostmortemLink({
  incidentRef,
  queryKey,
  resolved,
  canAct,
}: {
  incidentRef: string;
  /** The incident page's query key: the same timeline query as the page's Timeline. */
  queryKey: QueryKey;
  resolved: boolean;
  canAct: boolean;
}) {
  const navigate = useNavigate();
  const timeline = useInfiniteQuery({
    queryKey: [...queryKey, 'timeline'],
    queryFn: ({ pageParam }) => getTimeline(incidentRef, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next_cursor,
  });
  const path = `/incidents/${encodeURIComponent(incidentRef)}/postmortem`;
  const start = useMutation({
    mutationFn: () => api('POST', `/api/v1${path}`, {}),
    onSuccess: () => void navigate(path),
    onError: (error) => {
      // Made meanwhile (or older than the timeline loaded so far): open it.
      if (error instanceof ApiError && error.code === 'postmortem.already_exists') void navigate(path);
      else toast('The post-mortem was not started', { tone: 'danger', detail: error.message });
    },
  });
  // Newest first: the first post-mortem entry says its state now.
  const latest = timeline.data?.pages.flatMap((p) => p.data).find((e) => e.kind in STATE_OF);
  if (!latest && !(resolved && canAct && timeline.data)) return null;
  return (
    <div className="incident-prop">
      <span className="ui-label">Post-mortem</span>
      <span className="incident-prop-value">
        {latest ? (
          <>
            <ButtonLink size="sm" icon={FileText} href={path}>
              Post-mortem
            </ButtonLink>
            &nbsp;<span className="ui-muted ui-small">{STATE_OF[latest.kind]}</span>
          </>
        ) : (
          <Button size="sm" icon={FileText} isDisabled={start.isPending} onPress={() => start.mutate()}>
            Start post-mortem
          </Button>
        )}
      </span>
    </div>
  );
}
