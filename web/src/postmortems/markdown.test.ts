import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MarkdownView } from './markdown.tsx';

const html = (text: string) => renderToStaticMarkup(createElement(MarkdownView, { text, empty: 'Nothing yet.' }));

describe('MarkdownView', () => {
  it('renders headings, lists, emphasis and GitHub tables', () => {
    const out = html(
      ['## What happened', '', '- **Users:** all', '- a [runbook](https://wiki.example.test/rb)', '']
        .concat(['| a | b |', '|---|---|', '| 1 | 2 |'])
        .join('\n'),
    );
    expect(out).toContain('<h2>What happened</h2>');
    expect(out).toContain('<li><strong>Users:</strong> all</li>');
    expect(out).toContain(
      '<a href="https://wiki.example.test/rb" target="_blank" rel="noreferrer noopener">runbook</a>',
    );
    expect(out).toMatch(/<table>.*<td>1<\/td>/s);
  });

  it('shows raw HTML as the text it is, and drops script links', () => {
    const out = html('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n[click](javascript:alert(3))');
    expect(out).not.toMatch(/<script|<img|javascript:/i);
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).toContain('<a href="" target="_blank" rel="noreferrer noopener">click</a>');
  });

  it('says so when there is nothing to show', () => {
    expect(html('  \n')).toBe('<p class="ui-muted pm-empty">Nothing yet.</p>');
  });
});
