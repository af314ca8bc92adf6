// The DTLS certificate fingerprints of a peer connection, as the SDP of each end states them. The
// link handshake signs them (channel binding): the signaling server relays the SDP, so it could
// put its own certificates in and sit in the middle of a link; the fingerprints each end sees
// then differ from the ones the other end signed, and the handshake fails.

import type { LinkFingerprints } from './transport';

const FINGERPRINT_LINE = /^a=fingerprint:(\S+) (\S+)$/gim;

/** The fingerprints an SDP states, normalized and sorted; '' if it states none. */
export function sdpFingerprints(sdp: string | undefined): string {
  if (!sdp) return '';
  const found = [...sdp.matchAll(FINGERPRINT_LINE)].map(([, hash, value]) => `${hash!.toLowerCase()} ${value!.toUpperCase()}`);
  return [...new Set(found)].sort().join(',');
}

/** Both ends' fingerprints of `pc`, or null until both descriptions are set. */
export function linkFingerprints(pc: RTCPeerConnection | undefined): LinkFingerprints | null {
  const local = sdpFingerprints(pc?.localDescription?.sdp);
  const remote = sdpFingerprints(pc?.remoteDescription?.sdp);
  return local && remote ? { local, remote } : null;
}
