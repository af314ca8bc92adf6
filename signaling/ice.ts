// The ICE servers the server hands to every bee with its welcome: its own STUN responder (at the
// host name the page reached it by), then ICE_SERVERS. TURN entries without a credential get a
// time-limited one from TURN_SECRET, in coturn's REST style (`use-auth-secret`): the username is
// "<expiry, unix seconds>:<bee id>" and the credential base64(HMAC-SHA1(secret, username)), so the
// secret never reaches a browser and a copied credential stops working at its expiry.

import { createHmac } from 'node:crypto';
import type { IceConfig, IceServer } from '../src/net/signal-protocol';

/** A school day, with room: a credential handed out at the first lesson lasts until the last. */
export const TURN_CREDENTIAL_TTL_S = 12 * 60 * 60;

export interface IceSettings {
  /** ICE_SERVERS, checked by parseIceServers. */
  iceServers: IceServer[];
  iceTransportPolicy: IceConfig['iceTransportPolicy'];
  /** TURN_SECRET: coturn's static-auth-secret; null when TURN entries carry their own credential. */
  turnSecret: string | null;
  turnCredentialTtlS?: number;
}

export const NO_ICE: Readonly<IceSettings> = { iceServers: [], iceTransportPolicy: 'all', turnSecret: null };

const urlsOf = (server: IceServer) => (typeof server.urls === 'string' ? [server.urls] : server.urls);
export const isTurn = (server: IceServer) => urlsOf(server).some((url) => /^turns?:/.test(url));

/** coturn's REST credential for `user`, good until `nowS + ttlS`. */
export function turnCredential(secret: string, user: string, nowS: number, ttlS: number): { username: string; credential: string } {
  const username = `${Math.floor(nowS) + ttlS}:${user}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/**
 * The STUN URL of the responder on `stunPort` as a browser that sent `hostHeader` reaches it, or
 * null when the header names no host. The header is the page's own: it only goes back to it.
 */
export function stunUrl(hostHeader: string | undefined, stunPort: number): string | null {
  const hostname = hostHeader && URL.canParse(`http://${hostHeader}`) ? new URL(`http://${hostHeader}`).hostname : '';
  return hostname === '' ? null : `stun:${hostname}:${stunPort}`;
}

/** What one bee's welcome carries. */
export function iceForBee(settings: IceSettings, stun: string | null, bee: string, nowS: number): IceConfig {
  const { turnSecret } = settings;
  const ttlS = settings.turnCredentialTtlS ?? TURN_CREDENTIAL_TTL_S;
  const configured = settings.iceServers.map((server) =>
    turnSecret !== null && isTurn(server) && server.credential === undefined ? { ...server, ...turnCredential(turnSecret, bee, nowS, ttlS) } : server,
  );
  return { iceServers: stun === null ? configured : [{ urls: stun }, ...configured], iceTransportPolicy: settings.iceTransportPolicy };
}
