// Why a link does not come up, in words: what a peer connection reports (candidate errors, ICE
// failure, silence) becomes one problem a person can act on.

import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_CONFIG } from '../hive/protocol';
import { explainNoPath, IceWatch, LINK_CONNECT_TIMEOUT_MS } from './ice-watch';

const PEER = '0123456789abcdef';

/** The parts of an RTCPeerConnection the watch listens to, driven by the test. */
class FakePeerConnection extends EventTarget {
  iceConnectionState: RTCIceConnectionState = 'new';
  signalingState: RTCSignalingState = 'stable';
  constructor(private readonly policy: RTCIceTransportPolicy = 'all') {
    super();
  }
  getConfiguration(): RTCConfiguration {
    return { iceTransportPolicy: this.policy };
  }
  gather(type: RTCIceCandidateType, address: string): void {
    this.dispatchEvent(Object.assign(new Event('icecandidate'), { candidate: { type, address } }));
  }
  candidateError(errorCode: number, errorText: string, url = 'turn:10.99.0.1:3478?transport=udp'): void {
    this.dispatchEvent(Object.assign(new Event('icecandidateerror'), { errorCode, errorText, url }));
  }
  ice(state: RTCIceConnectionState): void {
    this.iceConnectionState = state;
    this.dispatchEvent(new Event('iceconnectionstatechange'));
  }
}

function watched(policy?: RTCIceTransportPolicy) {
  const problems: string[] = [];
  const watch = new IceWatch((text) => problems.push(text), 1000);
  const pc = new FakePeerConnection(policy);
  watch.watch(pc as unknown as RTCPeerConnection, PEER);
  return { problems, watch, pc };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('IceWatch', () => {
  it('says a TURN server refused the credential, and where to fix it', () => {
    const { problems, pc } = watched('relay');
    pc.candidateError(401, 'Unauthorized');
    expect(problems).toEqual(['ICE server turn:10.99.0.1:3478?transport=udp refused this bee: 401 Unauthorized: check the TURN username and credential (ICE_SERVERS, TURN_SECRET)']);
  });

  it('keeps quiet about a server that did not answer on one interface (701)', () => {
    const { problems, pc } = watched();
    pc.candidateError(701, 'STUN host lookup received error.');
    expect(problems).toEqual([]);
  });

  it('counts the local candidates gathered, by type', () => {
    const { watch, pc } = watched();
    pc.gather('host', 'f00d.local');
    pc.gather('srflx', '10.99.0.1');
    pc.gather('srflx', '10.99.0.1');
    expect(watch.candidates).toEqual({ host: 1, srflx: 2, prflx: 0, relay: 0 });
  });

  it('says once that ICE failed, and why it could have', () => {
    vi.useFakeTimers();
    const { problems, pc } = watched();
    pc.gather('host', 'f00d.local');
    pc.ice('checking');
    pc.ice('failed');
    vi.advanceTimersByTime(1000);
    expect(problems).toEqual([`ICE failed with bee 01234567: ${explainNoPath(new Set(['host-mdns']), 'all')}`]);
  });

  it('says a link that never connected did not, and nothing for one that did or was closed', () => {
    vi.useFakeTimers();
    const silent = watched('relay');
    const linked = watched();
    linked.pc.ice('connected');
    const closed = watched();
    closed.pc.signalingState = 'closed';
    vi.advanceTimersByTime(1000);
    expect(silent.problems).toEqual([`no link after 1 s to bee 01234567: ${explainNoPath(new Set(), 'relay')}`]);
    expect(linked.problems).toEqual([]);
    expect(closed.problems).toEqual([]);
  });
});

it('reports a link that never connects before the protocol gives the attempt up and closes it', () => {
  expect(LINK_CONNECT_TIMEOUT_MS).toBeLessThan(DEFAULT_CONFIG.linkAttemptTimeoutMs);
});

describe('explainNoPath', () => {
  it('blames the TURN server when a relay-only bee got no address', () => {
    expect(explainNoPath(new Set(), 'relay')).toMatch(/TURN server is unreachable or refused it/);
  });

  it("blames a blocked STUN port when the bee had only mDNS names", () => {
    expect(explainNoPath(new Set(['host-mdns']), 'all')).toMatch(/STUN did not answer/);
  });

  it('points at client isolation when real addresses were offered and none worked', () => {
    expect(explainNoPath(new Set(['host-mdns', 'srflx']), 'all')).toMatch(/client isolation.*TURN relay/);
  });
});
