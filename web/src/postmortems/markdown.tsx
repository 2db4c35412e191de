// Markdown as people read it, through react-markdown with GitHub's extensions (tables, task lists,
// strikethrough, bare links). Raw HTML in the text is not rendered (react-markdown's default, so a section
// cannot inject markup), and link targets pass react-markdown's URL filter (no javascript: links). It builds
// React elements, with no eval and no inline script, so it runs under the page's `script-src 'self'`.
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';

const PLUGINS = [remarkGfm];

// Links leave the console in a new tab and send no referrer (a post-mortem's URL names an incident).
const COMPONENTS: Components = {
  a: ({ node: _node, children, ...props }) => (
    <a {...props} target="_blank" rel="noreferrer noopener">
      {children}
    </a>
  ),
};

export function MarkdownView({ text, empty, label }: { text: string; empty: string; label?: string }) {
  if (!text.trim()) return <p className="ui-muted pm-empty">{empty}</p>;
  return (
    <div className="pm-markdown" aria-label={label} role={label ? 'region' : undefined}>
      <Markdown remarkPlugins={PLUGINS} components={COMPONENTS}>
        {text}
      </Markdown>
    </div>
  );
}
