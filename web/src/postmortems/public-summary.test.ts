import { describe, expect, it } from 'vitest';
import { plainSummary } from './public-summary.ts';

describe('plainSummary', () => {
  it.each([
    ['plain text stays as it is', 'Orders were delayed.', 'Orders were delayed.'],
    ['heading hashes go', '## What happened\n\nIt failed over.', 'What happened\n\nIt failed over.'],
    ['bullets become "- "', '* one\n+ two\n- three', '- one\n- two\n- three'],
    ['nested bullets keep their indent', '- one\n  * inner', '- one\n  - inner'],
    ['emphasis marks go', 'It was **very** _slow_ and *odd*', 'It was very slow and odd'],
    ['snake_case words are left alone', 'the order_queue_size grew', 'the order_queue_size grew'],
    ['a link keeps its text only', 'See [our blog](https://example.test/p) for more', 'See our blog for more'],
    ['an image keeps its alt text', '![graph of errors](x.png)', 'graph of errors'],
    ['inline code loses its backticks', 'we ran `restart api`', 'we ran restart api'],
    ['code fences go, their lines stay', '```\nkubectl rollout undo\n```', 'kubectl rollout undo'],
    ['quotes lose their marker', '> customers saw errors', 'customers saw errors'],
    ['rules go and blank lines collapse', 'one\n\n---\n\n\ntwo', 'one\n\ntwo'],
    ['strike-through marks go', '~~maybe~~ surely', 'maybe surely'],
    ['Windows line ends become plain ones', 'a\r\nb', 'a\nb'],
    ['an empty summary stays empty', '   \n', ''],
  ])('%s', (_name, markdown, plain) => {
    expect(plainSummary(markdown)).toBe(plain);
  });
});
