// The library's one entry: join a colony from this page and get its Colony. The app's own page
// (src/main.ts) starts its bee through here too, so `window.hive` is the library's bee.

import { Bee } from '../bee';
import { loadPassphraseCrypto } from '../crypto/passphrase-crypto';
import { MAX_HIVE_WORKERS } from '../hive/frames';
import { isBeeId, isColonyName } from '../net/signal-protocol';
import { Colony } from './colony';

export interface JoinOptions {
  /** The colony's name: [A-Za-z0-9_-]{1,64}. Bees of one colony find each other. */
  colony: string;
  /** How bees link: 'simple-peer' (default) or 'peerjs'; only the one used is loaded. */
  transport?: 'simple-peer' | 'peerjs';
  /**
   * The Hivemesh server (signaling, PeerJS): its origin or page URL, or several sharing colonies
   * (docs/deploy.md), tried in turn. This page's origin by default.
   */
  signal?: string | URL | ReadonlyArray<string | URL>;
  /**
   * STUN/TURN servers for RTCPeerConnection. Absent: the server's, handed out with each welcome
   * (its own STUN responder, ICE_SERVERS, time-limited TURN credentials: docs/deploy.md).
   */
  iceServers?: RTCIceServer[];
  /** A colony passphrase: links prove it and bodies are sealed under it (docs/security.md). */
  passphrase?: string;
  /** The key a passphrase gave before (deriveColonyKey), to skip deriving it again. */
  colonyKey?: Uint8Array;
  /** Workers one queen takes before her hive splits; the protocol's default when absent. */
  capacity?: number;
  /** 'indexeddb' (default): the bee, its vote, inbox and outbox outlive a reload. 'memory': nothing is kept. */
  storage?: 'indexeddb' | 'memory';
  /** Where this tab remembers which bee it is across reloads; sessionStorage by default. */
  session?: Storage | null;
  /** Forget the bee this tab ran before and hatch a new one. */
  reset?: boolean;
  /** False: nobody campaigns, the colony stays in discovery mode. */
  elections?: boolean;
  /** The only bee whose colony configs are taken (a bee id), or 'self'. */
  founder?: string;
  /** Watch only (the projector): never vote, reign or count in a hive. */
  observer?: boolean;
}

function sessionStorageOrNull(): Storage | null {
  try {
    return globalThis.sessionStorage ?? null;
  } catch {
    return null; // storage disabled by the browser: the bee lasts one page load
  }
}

/**
 * Starts this page's bee in `options.colony` and resolves its Colony once the bee's identity is
 * loaded (`colony.ready` resolves once the signaling server answered). Throws RangeError for
 * options that cannot work.
 */
export async function joinColony(options: JoinOptions): Promise<Colony> {
  const { colony, transport = 'simple-peer', capacity, founder } = options;
  if (!isColonyName(colony)) throw new RangeError(`colony must match [A-Za-z0-9_-]{1,64}, got "${colony}"`);
  if (transport !== 'simple-peer' && transport !== 'peerjs') throw new RangeError(`unknown transport "${String(transport)}"`);
  if (capacity !== undefined && !(Number.isInteger(capacity) && capacity >= 1 && capacity <= MAX_HIVE_WORKERS)) {
    throw new RangeError(`capacity must be a whole number from 1 to ${MAX_HIVE_WORKERS}, got ${capacity}`);
  }
  if (founder !== undefined && founder !== 'self' && !isBeeId(founder)) throw new RangeError(`founder must be a bee id or 'self', got "${founder}"`);
  if (Array.isArray(options.signal) && options.signal.length === 0) throw new RangeError('signal must name at least one server');
  const memory = options.storage === 'memory';
  // The passphrase crypto loads only for a passphrase colony: an open colony's page never fetches it.
  const colonyKey = options.colonyKey ?? (options.passphrase === undefined ? null : await (await loadPassphraseCrypto()).deriveColonyKey(options.passphrase, colony));
  const bee = await Bee.start(
    {
      colony,
      transport,
      servers: [options.signal ?? location.href].flat().map((each) => new URL(each, location.href)),
      ...(options.iceServers === undefined ? {} : { iceServers: options.iceServers }),
      colonyKey,
      ...(capacity === undefined ? {} : { capacity }),
      ...(options.elections === undefined ? {} : { elections: options.elections }),
      ...(founder === undefined ? {} : { founder }),
      ...(options.observer === undefined ? {} : { observer: options.observer }),
    },
    { session: memory ? null : options.session === undefined ? sessionStorageOrNull() : options.session, reset: options.reset ?? false, memory },
  );
  return new Colony(bee);
}
