// Why a peer connection does not link, in words: a TURN server that refused the credential, ICE
// that failed, or a link that never connected, with what this browser had to offer. Without it a
// tab on a hostile network just stays an egg and nobody learns why (issue 17).

/**
 * A link that has not connected by then is reported. The protocol gives up a link attempt after
 * its linkAttemptTimeoutMs (10 s) and closes it: say why before that, or nobody ever hears it.
 */
export const LINK_CONNECT_TIMEOUT_MS = 8_000;

export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';
/** Local ICE candidates gathered, by type, over every peer connection of a transport. */
export type CandidateCounts = Record<CandidateType, number>;

/** What ICE servers and policy a new peer connection uses (the latest welcome's, see bee.ts). */
export type IceSource = () => RTCConfiguration;

/** What a link's own local candidates say about why it found no path. */
export function explainNoPath(local: ReadonlySet<string>, policy: RTCIceTransportPolicy | undefined): string {
  if (local.size === 0) {
    return policy === 'relay'
      ? 'this bee got no relay address: the TURN server is unreachable or refused it'
      : 'this bee found no address to offer';
  }
  if ([...local].every((kind) => kind === 'host-mdns')) {
    return "this browser hides its address behind an mDNS name and the server's STUN did not answer (is its UDP port blocked?)";
  }
  return 'no pair of addresses worked: the network may keep devices apart (client isolation), where only a TURN relay helps';
}

const short = (peer: string) => peer.slice(0, 8);

export class IceWatch {
  readonly candidates: CandidateCounts = { host: 0, srflx: 0, prflx: 0, relay: 0 };

  constructor(
    private readonly report: (text: string) => void,
    private readonly timeoutMs = LINK_CONNECT_TIMEOUT_MS,
  ) {}

  /** Watches the peer connection of a link to `peer` until it connects or closes. */
  watch(pc: RTCPeerConnection | undefined, peer: string): void {
    if (!pc) return;
    /** Kinds of local candidates this link offered; an mDNS host candidate is 'host-mdns'. */
    const local = new Set<string>();
    /** Connected, or already reported: the timer has nothing to add. */
    let settled = false;
    const policy = pc.getConfiguration().iceTransportPolicy;
    const noPath = (what: string) => this.report(`${what} bee ${short(peer)}: ${explainNoPath(local, policy)}`);
    pc.addEventListener('icecandidate', ({ candidate }) => {
      const type = candidate?.type;
      if (!type) return;
      this.candidates[type]++;
      local.add(type === 'host' && candidate.address?.endsWith('.local') ? 'host-mdns' : type);
    });
    pc.addEventListener('icecandidateerror', (event) => {
      const { errorCode, errorText, url } = event as RTCPeerConnectionIceErrorEvent;
      // 3xx–6xx are the STUN/TURN server's answers; 701 (no answer) is often one interface of
      // many, and shows as a link that never connects instead.
      if (errorCode < 300 || errorCode >= 700) return;
      const hint = errorCode === 401 ? ': check the TURN username and credential (ICE_SERVERS, TURN_SECRET)' : '';
      this.report(`ICE server ${url} refused this bee: ${errorCode} ${errorText}${hint}`);
    });
    pc.addEventListener('iceconnectionstatechange', () => {
      const state = pc.iceConnectionState;
      if (state === 'connected' || state === 'completed') settled = true;
      else if (state === 'failed' && !settled) {
        settled = true;
        noPath('ICE failed with');
      }
    });
    setTimeout(() => {
      // A link closed meanwhile (pc.close() fires no state change) is no problem.
      if (!settled && pc.signalingState !== 'closed') noPath(`no link after ${this.timeoutMs / 1000} s to`);
    }, this.timeoutMs);
  }
}
