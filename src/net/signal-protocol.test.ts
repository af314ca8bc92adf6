// The welcome's ICE part as a bee reads it: the server is trusted less than fully, so a list the
// browser might choke on is left out, and the welcome itself still admits the bee.

import { describe, expect, it } from 'vitest';
import { MAX_ICE_SERVERS, parseServerMessage } from './signal-protocol';

const welcome = (ice: unknown) => JSON.stringify({ type: 'welcome', bee: 'ab'.repeat(16), colony: 'demo', peers: [], token: 'A'.repeat(22), ice });

describe('a welcome with ICE servers', () => {
  it('brings STUN and TURN servers with their credentials and the policy', () => {
    const ice = { iceServers: [{ urls: 'stun:10.0.0.5:8080' }, { urls: ['turn:10.0.0.5:3478'], username: '1:b', credential: 'c' }], iceTransportPolicy: 'relay' };
    expect(parseServerMessage(welcome(ice))).toMatchObject({ type: 'welcome', ice });
  });

  it.each([
    ['a URL of another scheme', { iceServers: [{ urls: 'javascript:alert(1)' }], iceTransportPolicy: 'all' }],
    ['a credential that is no string', { iceServers: [{ urls: 'turn:x', username: 'u', credential: { k: 1 } }], iceTransportPolicy: 'all' }],
    ['too many servers', { iceServers: Array.from({ length: MAX_ICE_SERVERS + 1 }, () => ({ urls: 'stun:x' })), iceTransportPolicy: 'all' }],
    ['an unknown policy', { iceServers: [], iceTransportPolicy: 'none' }],
  ])('leaves out an ICE part with %s, and still admits the bee', (_, ice) => {
    const parsed = parseServerMessage(welcome(ice));
    expect(parsed).toMatchObject({ type: 'welcome', colony: 'demo' });
    expect(parsed).not.toHaveProperty('ice');
  });
});
