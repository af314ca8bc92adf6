// Page entry: read the URL contract (DESIGN.md), start this tab's bee (the one it ran before a
// reload, unless `?reset`), expose it, draw the UI; or, at /sim, the simulator page (no bee).

import { mount } from 'svelte';
import type { HiveApi } from './api';
import { MAX_HIVE_WORKERS } from './hive/frames';
import { isColonyName } from './net/signal-protocol';
import { joinColony, type JoinOptions } from './lib/join';
import { loadColonyKey } from './store/colony-key';
import App from './ui/App.svelte';
import { BeeView } from './ui/bee-view.svelte';
import './ui/theme.css';

declare global {
  interface Window {
    hive: HiveApi;
  }
}

function readOptions(url: URL, session: Storage | null): JoinOptions {
  const colony = url.searchParams.get('colony') ?? 'demo';
  if (!isColonyName(colony)) throw new Error(`colony must match [A-Za-z0-9_-]{1,64}, got "${colony}"`);
  const transport = url.searchParams.get('transport') ?? 'simple-peer';
  if (transport !== 'simple-peer' && transport !== 'peerjs') throw new Error(`unknown transport "${transport}"`);
  const signal = url.searchParams.get('signal');
  const capacity = url.searchParams.get('capacity');
  if (capacity !== null && !(/^[0-9]{1,2}$/.test(capacity) && Number(capacity) >= 1 && Number(capacity) <= MAX_HIVE_WORKERS)) {
    throw new Error(`capacity must be a whole number from 1 to ${MAX_HIVE_WORKERS}, got "${capacity}"`);
  }
  const colonyKey = loadColonyKey(session, colony);
  // The projector founds its colony unless told whose it is; a join link pins that founder
  // (joinColony refuses anything but a bee id or 'self').
  const founder = url.searchParams.get('founder') ?? (url.searchParams.get('view') === 'hive' ? 'self' : null);
  return {
    colony,
    transport,
    // `?signal=URL,URL…`: servers sharing colonies (docs/deploy.md), tried in turn.
    signal: signal ? signal.split(',').map((each) => new URL(each, url)) : url,
    session,
    ...(colonyKey === null ? {} : { colonyKey }),
    ...(capacity === null ? {} : { capacity: Number(capacity) }),
    // `?queens=off` keeps the colony in discovery mode (demos of the slow mesh, the upgrade benchmark).
    elections: url.searchParams.get('queens') !== 'off',
    ...(founder === null ? {} : { founder }),
    observer: url.searchParams.get('view') === 'hive',
  };
}

const target = document.getElementById('app') as HTMLElement;

function sessionStorageOrNull(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled by the browser: the bee lasts one page load
  }
}

/** A bee tab: the bee view, or the projector view with `?view=hive`. */
async function startBee(url: URL): Promise<void> {
  // `?reset` forgets this tab's bee once; drop it from the address so a reload keeps the new one.
  const reset = url.searchParams.has('reset');
  if (reset) {
    url.searchParams.delete('reset');
    history.replaceState(history.state, '', url);
  }
  const session = sessionStorageOrNull();
  const colony = await joinColony({ ...readOptions(url, session), reset });
  const bee = colony.hive;
  window.hive = bee;
  addEventListener('pagehide', () => colony.leave());
  // A page restored from the back/forward cache has already said goodbye: start it again.
  addEventListener('pageshow', (event) => event.persisted && location.reload());
  const view = new BeeView(bee);
  if (url.searchParams.get('view') === 'hive') {
    document.title = `Hivemesh · colony ${bee.snapshot().colony}`;
    // Only the projector draws a QR code: the qrcode library stays out of every student's tab.
    const { default: Projector } = await import('./ui/projector/Projector.svelte');
    mount(Projector, { target, props: { view } });
  } else mount(App, { target, props: { view } });
}

try {
  const url = new URL(location.href);
  if (url.pathname.replace(/\/+$/, '') === '/sim') (await import('./ui/sim/mount-sim')).mountSim(target, url);
  else await startBee(url);
} catch (err) {
  target.textContent = `Hivemesh could not start: ${(err as Error).message}`;
}
