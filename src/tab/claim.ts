// Which bee this tab is: opens the bee's storage (IndexedDB through idb), claims the tab's
// identity (TabIdentity: sessionStorage points at a stored key pair) and loads what that bee
// stored. Storage that fails to open leaves a bee that runs in memory; an identity that cannot be
// stored hatches one for this page load. Failures are reported, never thrown at the page.

import { createIdentity } from '../crypto/identity';
import { TabIdentity, type Claimed } from '../store/identity';
import { DB_NAME, DB_VERSION, openHiveDb, type HiveDb } from '../store/schema';
import { BeeStore, type Loaded } from '../store/store';

/** What the page gives the bee to find out which bee it is. */
export interface TabOptions {
  /** sessionStorage, or null where it is disabled. */
  session: Storage | null;
  /** `?reset`: forget the bee this tab ran and hatch a new one. */
  reset: boolean;
  dbName?: string;
  /** Keep nothing: the bee lives in memory for this page load (tests, throwaway tabs). */
  memory?: boolean;
}

export interface ClaimedBee {
  claimed: Claimed;
  identity: TabIdentity;
  store: BeeStore;
  loaded: Loaded;
}

export const randomHex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * `onError` hears of every storage failure (`what` names the operation); `onVersionChange` is
 * called when a newer tab upgrades the schema and needs this connection closed (true: handled).
 */
export async function claimBee(
  tab: TabOptions,
  onError: (what: string, err: unknown) => void,
  onVersionChange: () => boolean,
): Promise<ClaimedBee> {
  let db: HiveDb | null = null;
  try {
    if (!tab.memory) db = await openHiveDb(tab.dbName ?? DB_NAME, DB_VERSION, () => onVersionChange() || db?.close());
  } catch (err) {
    onError('open', err);
  }
  const identity = new TabIdentity(() => randomHex(8));
  let claimed: Claimed;
  try {
    claimed = await identity.claim({
      db,
      session: tab.session,
      hatch: createIdentity,
      now: Date.now(),
      ...(tab.reset ? { reset: (old: string) => new BeeStore(db, old, onError).forget() } : {}),
    });
  } catch (err) {
    onError('identity', err);
    claimed = { identity: createIdentity(), restored: false, note: 'identity storage failed: hatched a bee that lasts this page load' };
  }
  const store = new BeeStore(db, claimed.identity.id, onError);
  return { claimed, identity, store, loaded: await store.load() };
}
