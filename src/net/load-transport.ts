// The browser transports, each loaded only when a tab uses it: a simple-peer tab never downloads
// PeerJS, and a PeerJS tab never downloads simple-peer (they are most of the page's weight).

import type { PeerJsPass } from './peerjs';
import type { Signaler, Transport, TransportKind, TransportOptions } from './transport';

/** Where a transport's signals travel: PeerJS through its own server, simple-peer through the Signaler. */
export interface TransportRoutes {
  signaler: Signaler;
  /** The token that admits this bee to the PeerJS endpoint (the signaling client's). */
  pass: PeerJsPass;
}

export type MakeTransport = (options: TransportOptions, routes: TransportRoutes) => Transport;

export async function loadTransport(kind: Exclude<TransportKind, 'memory'>): Promise<MakeTransport> {
  if (kind === 'peerjs') {
    const { PeerJsTransport } = await import('./peerjs');
    return (options, routes) => new PeerJsTransport(options, routes.pass);
  }
  const { SimplePeerTransport } = await import('./simple-peer');
  return (options, routes) => new SimplePeerTransport(options, routes.signaler);
}
