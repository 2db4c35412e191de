// One set-up snippet: its title, where the text goes, and the text as a code block that keeps its
// lines and scrolls sideways inside its own box (a focusable, labelled region, so the keyboard can
// scroll it too) instead of breaking URLs and keys mid-word; with a copy button.
import { CopyButton } from './service-copy.tsx';
import type { Snippet } from './service-snippets.ts';

export function SnippetBlock({ snippet }: { snippet: Snippet }) {
  const codeId = `snippet-${snippet.id}-code`;
  return (
    <section className="snippet" aria-labelledby={`snippet-${snippet.id}-title`} data-testid={`snippet-${snippet.id}`}>
      <div className="snippet-head">
        <h3 id={`snippet-${snippet.id}-title`}>{snippet.title}</h3>
        <CopyButton targetId={codeId} text={snippet.text} what={`${snippet.title} snippet`} />
      </div>
      <p className="hint">{snippet.where}</p>
      <pre id={codeId} className="code-block" tabIndex={0} role="region" aria-label={`${snippet.title} snippet`}>
        <code>{snippet.text}</code>
      </pre>
    </section>
  );
}
