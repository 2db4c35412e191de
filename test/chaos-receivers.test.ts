// How the chaos harness's receivers read what a message carries (scripts/chaos/receivers): the ids
// of today's messages and of the documented contract, email headers as mailers fold and encode them,
// and which socket belongs to a sender in /proc/net/tcp.
import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, parseEmailHeaders } from '../scripts/chaos/receivers/email-headers.js';
import { bundledCount, carriedIds, incidentIdsOf } from '../scripts/chaos/receivers/message-ids.js';
import { clientSocketInode } from '../scripts/chaos/receivers/sender-lookup.js';

describe('carried ids', () => {
  it('prefers the list header, and then each id is its own dedup key', () => {
    const ids = carriedIds({ header: 'bundle-1', listHeader: 'n1, n2,n3', body: { delivery_id: 'x' } });
    expect(ids.carried).toEqual(['n1', 'n2', 'n3']);
    expect(ids.source).toBe('list-header');
    expect(ids.dedupKeys.get('n2')).toBe('n2');
  });

  it('reads delivery_ids from a webhook body when the header is absent', () => {
    const ids = carriedIds({ header: 'bundle-1', body: { delivery_ids: ['n1', 'n2'], bundled: 2 } });
    expect(ids).toMatchObject({ carried: ['n1', 'n2'], source: 'body-ids' });
    expect(ids.dedupKeys.get('n1')).toBe('n1');
  });

  it("reads today's bundle: every page's delivery_id, all dropped by the message header", () => {
    const body = {
      event: 'page',
      bundle: [
        { delivery_id: 'n1', incident: { id: 'inc1' } },
        { delivery_id: 'n2', incident: { id: 'inc2' } },
      ],
      bundled: 3,
      delivery_id: 'n1',
    };
    const ids = carriedIds({ header: 'n1', body });
    expect(ids).toMatchObject({ carried: ['n1', 'n2'], source: 'bundle' });
    expect(ids.dedupKeys.get('n2')).toBe('n1');
    expect(bundledCount('3 pages: a; b; c', body)).toBe(3);
    expect(incidentIdsOf(body)).toEqual(['inc1', 'inc2']);
  });

  it('falls back to the body delivery_id, then to the header', () => {
    expect(carriedIds({ header: 'h', body: { delivery_id: 'n9' } })).toMatchObject({
      carried: ['n9'],
      source: 'body-id',
    });
    expect(carriedIds({ header: 'n5' })).toMatchObject({ carried: ['n5'], source: 'header' });
    expect(carriedIds({})).toMatchObject({ carried: [], source: 'none' });
  });

  it('reads how many pages a message carries from its subject when no body says', () => {
    expect(bundledCount('12 pages: [P1] INC-1 …')).toBe(12);
    expect(bundledCount('[P1] INC-1 chaos pd-1: critical alert')).toBe(1);
  });
});

describe('email headers', () => {
  it('unfolds long headers and decodes encoded words', () => {
    const raw = [
      'From: Vigil <vigil@localhost>',
      'Subject: =?UTF-8?Q?2_pages:_[P1]_caf=C3=A9?=',
      'X-Vigil-Delivery: bundle-7',
      'X-Vigil-Delivery-Ids: ntf_01,ntf_02,',
      ' ntf_03',
      '',
      'body: X-Vigil-Delivery: not-a-header',
    ].join('\r\n');
    const headers = parseEmailHeaders(raw);
    expect(headers.get('subject')).toBe('2 pages: [P1] café');
    expect(headers.get('x-vigil-delivery')).toBe('bundle-7');
    expect(carriedIds({ listHeader: headers.get('x-vigil-delivery-ids') }).carried).toEqual([
      'ntf_01',
      'ntf_02',
      'ntf_03',
    ]);
    expect(decodeEncodedWords('=?utf-8?B?aGVsbG8=?= =?utf-8?B?IHdvcmxk?=')).toBe('hello world');
  });
});

describe('sender lookup', () => {
  it('finds the client end of a loopback connection in /proc/net/tcp', () => {
    const table = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1F90 0100007F:C350 01 00000000:00000000 00:00000000 00000000     0        0 111 1',
      '   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 222 1',
    ].join('\n');
    // Client port 0xC350 = 50000 talking to server port 0x1F90 = 8080: the second line is the client's.
    expect(clientSocketInode(table, 50_000, 8080)).toBe('222');
    expect(clientSocketInode(table, 50_001, 8080)).toBeUndefined();
  });
});
