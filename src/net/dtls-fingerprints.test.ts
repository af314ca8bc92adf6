import { describe, expect, it } from 'vitest';
import { linkFingerprints, sdpFingerprints } from './dtls-fingerprints';

const sdp = (...lines: string[]) => ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', ...lines, 'a=setup:actpass'].join('\r\n');

describe('DTLS fingerprints from SDP', () => {
  it('reads every fingerprint line, normalized and in a stable order', () => {
    expect(sdpFingerprints(sdp('a=fingerprint:SHA-256 ab:cd:EF', 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'a=fingerprint:sha-256 AB:CD:EF'))).toBe('sha-256 AB:CD:EF');
    expect(sdpFingerprints(sdp('a=fingerprint:sha-384 11:22', 'a=fingerprint:sha-256 33:44'))).toBe('sha-256 33:44,sha-384 11:22');
    expect(sdpFingerprints(sdp())).toBe('');
    expect(sdpFingerprints(undefined)).toBe('');
  });

  it('has nothing to bind to until both descriptions are set', () => {
    const local = { sdp: sdp('a=fingerprint:sha-256 AA') } as RTCSessionDescription;
    const remote = { sdp: sdp('a=fingerprint:sha-256 BB') } as RTCSessionDescription;
    expect(linkFingerprints({ localDescription: local, remoteDescription: null } as RTCPeerConnection)).toBeNull();
    expect(linkFingerprints({ localDescription: local, remoteDescription: remote } as RTCPeerConnection)).toEqual({ local: 'sha-256 AA', remote: 'sha-256 BB' });
    expect(linkFingerprints(undefined)).toBeNull();
  });
});
