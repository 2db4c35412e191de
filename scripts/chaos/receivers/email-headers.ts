// The header block of a received email, enough to read Vigil's delivery ids and the subject: lines
// unfolded (a long header continues on lines starting with white space) and RFC 2047 encoded words
// (=?UTF-8?Q?…?= or =?UTF-8?B?…?=) decoded, since mailers encode long or non-ASCII header values.

/** Decodes the encoded words in a header value; anything else is kept as it is. */
export function decodeEncodedWords(value: string): string {
  // White space between two encoded words is not part of the text (RFC 2047 section 6.2).
  const joined = value.replace(/\?=\s+=\?/g, '?==?');
  return joined.replace(
    /=\?([^?]+)\?([bBqQ])\?([^?]*)\?=/g,
    (_all, charset: string, encoding: string, text: string) => {
      const bytes =
        encoding.toUpperCase() === 'B'
          ? Buffer.from(text, 'base64')
          : Buffer.from(
              text
                .replace(/_/g, ' ')
                .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))),
              'latin1',
            );
      const name = charset.toLowerCase();
      return bytes.toString(name === 'utf-8' || name === 'utf8' ? 'utf8' : 'latin1');
    },
  );
}

/** Header names (lower case) to their values, from a raw message; a repeated header keeps its first value. */
export function parseEmailHeaders(raw: string): Map<string, string> {
  const end = raw.search(/\r?\n\r?\n/);
  const block = end === -1 ? raw : raw.slice(0, end);
  const unfolded = block.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, decodeEncodedWords(line.slice(colon + 1).trim()));
  }
  return headers;
}
