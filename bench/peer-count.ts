// Counts a tab's RTCPeerConnections, whatever builds them (simple-peer, PeerJS): an init script
// puts a counting subclass in place of window.RTCPeerConnection before the app runs. Chrome
// allows about 500 per page lifetime, so this is the budget the churn benchmark measures. The
// app's own count (snapshot().connections) is kept next to it as a cross-check.

import { pageScript } from './page-script.ts';

/** Where the count lives on `window`. */
export const PEER_COUNT_KEY = '__hivePeers';

/** One peer connection that was closed: how long it lived and how far it got. */
export interface ClosedPeer {
  /** Page-clock ms (performance.now()) it was built and closed at. */
  createdMs: number;
  closedMs: number;
  /** This end made the offer (it dialled), rather than answering one. */
  dialled: boolean;
  /** It reached connectionState 'connected' before it closed. */
  connected: boolean;
}

export interface PeerCount {
  created: number;
  /** Built by dialling (createOffer called on it): page-clock ms each was built at. */
  dialledAtMs: number[];
  closed: ClosedPeer[];
  /** Page-clock ms of every construction, to count those inside a window. */
  createdAtMs: number[];
}

/** Runs in the page: only its parameter and page globals. */
function installPeerCount(key: typeof PEER_COUNT_KEY): void {
  const Native = window.RTCPeerConnection;
  if (typeof Native !== 'function') return;
  const count: PeerCount = { created: 0, dialledAtMs: [], closed: [], createdAtMs: [] };
  (window as unknown as Record<string, PeerCount>)[key] = count;
  const states = new WeakMap<RTCPeerConnection, { createdMs: number; dialled: boolean; connected: boolean; closed: boolean }>();
  class Counted extends Native {
    constructor(configuration?: RTCConfiguration) {
      super(configuration);
      const state = { createdMs: performance.now(), dialled: false, connected: false, closed: false };
      states.set(this, state);
      count.created++;
      count.createdAtMs.push(state.createdMs);
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'connected') state.connected = true;
      });
    }
  }
  const { createOffer, close } = Native.prototype;
  // Patched on the prototype rather than overridden: createOffer's legacy overloads defeat a typed override.
  Counted.prototype.createOffer = function (this: RTCPeerConnection, ...args: unknown[]) {
    const state = states.get(this);
    if (state && !state.dialled) {
      state.dialled = true;
      count.dialledAtMs.push(state.createdMs);
    }
    return (createOffer as (...a: unknown[]) => Promise<RTCSessionDescriptionInit>).apply(this, args);
  } as RTCPeerConnection['createOffer'];
  Counted.prototype.close = function (this: RTCPeerConnection) {
    const state = states.get(this);
    if (state && !state.closed) {
      state.closed = true;
      count.closed.push({ createdMs: state.createdMs, closedMs: performance.now(), dialled: state.dialled, connected: state.connected });
    }
    close.call(this);
  };
  window.RTCPeerConnection = Counted;
}

export function peerCountScript(): string {
  return pageScript(installPeerCount, PEER_COUNT_KEY);
}
