// The public post-mortem summary's first text, pure. The status page shows it as plain text to customers,
// while the post-mortem's summary section is Markdown written for the team: the prefill drops the Markdown
// marks a customer would otherwise read literally (heading hashes, emphasis, link targets, code fences) and
// keeps the words and the line structure. The person edits it before anything is published.

/** The Markdown of a summary section as plain text: marks dropped, bullets kept as "- ", blank lines collapsed. */
export function plainSummary(markdown: string): string {
  const lines = markdown
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .filter((line) => !/^\s*(```|~~~)/.test(line))
    .map((line) =>
      line
        .replace(/^\s{0,3}#{1,6}\s+/, '')
        .replace(/^\s{0,3}>\s?/, '')
        .replace(/^(\s*)[*+]\s+/, '$1- ')
        .replace(/^\s*([-*_])(\s*\1){2,}\s*$/, '')
        .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
        .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
        .replace(/(\*\*|__)(.+?)\1/g, '$2')
        .replace(/(^|[^\w*])\*(?!\s)([^*]+?)\*(?!\w)/g, '$1$2')
        .replace(/(^|[^\w_])_(?!\s)([^_]+?)_(?!\w)/g, '$1$2')
        .replace(/~~(.+?)~~/g, '$1')
        .replace(/`([^`]+)`/g, '$1')
        .trimEnd(),
    );
  return lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
