// The public status page as the server would serve it after an update, shown in a frame. A frame made from
// `srcdoc` inherits the console's content security policy, which refuses the page's inline `<style>`, so the
// stylesheet is taken out of the document (splitPreview) and adopted as a constructed stylesheet, which the
// policy allows. That needs the frame's document to be reachable, hence `allow-same-origin`; no `allow-scripts`,
// `allow-forms` or navigation rights, so nothing in the preview runs, submits or leaves the frame.
import { useMemo, useRef } from 'react';
import { splitPreview } from './status-words.ts';

export function StatusPreviewFrame({ html }: { html: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  const { markup, css, imagesLeftOut } = useMemo(() => splitPreview(html), [html]);
  const adoptStyle = () => {
    const f = frame.current;
    const view = f?.contentWindow as (Window & typeof globalThis) | null | undefined;
    const doc = f?.contentDocument;
    if (!view || !doc) return;
    const sheet = new view.CSSStyleSheet();
    sheet.replaceSync(css);
    doc.adoptedStyleSheets = [sheet];
  };
  return (
    <figure className="status-preview">
      <iframe
        ref={frame}
        title="Preview of the public status page"
        sandbox="allow-same-origin"
        srcDoc={markup}
        onLoad={adoptStyle}
      />
      <figcaption className="ui-muted ui-small">
        Exactly what the public page would show after this update; nothing is saved until you publish.
        {imagesLeftOut && ' The logo is not shown here.'}
      </figcaption>
    </figure>
  );
}
