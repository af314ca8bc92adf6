// Page entry: read the URL contract (DESIGN.md), start this tab's bee (the one it ran before a
// reload, unless `?reset`), expose it, draw the UI.

import { mount } from 'svelte';
import { Bee, type BeeOptions, type HiveApi } from './bee';
import { isColonyName } from './net/signal-protocol';
import { loadColonyKey } from './store/colony-key';
import App from './ui/App.svelte';
import { BeeView } from './ui/bee-view.svelte';

declare global {
  interface Window {
    hive: HiveApi;
  }
}

function readOptions(url: URL, session: Storage | null): BeeOptions {
  const colony = url.searchParams.get('colony') ?? 'demo';
  if (!isColonyName(colony)) throw new Error(`colony must match [A-Za-z0-9_-]{1,64}, got "${colony}"`);
  const transport = url.searchParams.get('transport') ?? 'simple-peer';
  if (transport !== 'simple-peer' && transport !== 'peerjs') throw new Error(`unknown transport "${transport}"`);
  const signal = url.searchParams.get('signal');
  // STUN/TURN only when a deployment asks for it (?ice=stun:host:port,...): classrooms stay on the LAN.
  const ice = url.searchParams.get('ice');
  return {
    colony,
    transport,
    server: signal ? new URL(signal, url) : url,
    iceServers: ice ? ice.split(',').map((urls) => ({ urls })) : [],
    colonyKey: loadColonyKey(session, colony),
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

try {
  const url = new URL(location.href);
  // `?reset` forgets this tab's bee once; drop it from the address so a reload keeps the new one.
  const reset = url.searchParams.has('reset');
  if (reset) {
    url.searchParams.delete('reset');
    history.replaceState(history.state, '', url);
  }
  const session = sessionStorageOrNull();
  const bee = await Bee.start(readOptions(url, session), { session, reset });
  window.hive = bee;
  addEventListener('pagehide', () => bee.leave());
  // A page restored from the back/forward cache has already said goodbye: start it again.
  addEventListener('pageshow', (event) => event.persisted && location.reload());
  mount(App, { target, props: { view: new BeeView(bee) } });
} catch (err) {
  target.textContent = `Hivemesh could not start: ${(err as Error).message}`;
}
