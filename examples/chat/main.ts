// A chat of browser tabs on Hivemesh: text to everyone, files (binary bodies, chunked by the
// library) to each bee, with progress both ways. `npm run dev` here, a Hivemesh server started with
// ALLOWED_ORIGINS set to this page's origin, then `?signal=<server URL>` in two tabs.
import { joinColony, type Colony, type TransferProgress } from 'hivemesh';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const params = new URLSearchParams(location.search);

function line(text: string): HTMLLIElement {
  const item = Object.assign(document.createElement('li'), { textContent: text });
  $('log').prepend(item);
  return item;
}

/** One line per file transfer, with a progress bar. */
const bars = new Map<string, HTMLProgressElement>();
function showProgress({ direction, transfer, peer, done, total }: TransferProgress): void {
  let bar = bars.get(transfer);
  if (!bar) {
    bar = Object.assign(document.createElement('progress'), { max: total });
    bar.dataset.direction = direction;
    line(`${direction === 'out' ? 'to' : 'from'} ${peer ?? 'everyone'}: `).append(bar);
    bars.set(transfer, bar);
  }
  bar.value = done;
}

function showFile(from: string, bytes: Uint8Array): void {
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>])),
    download: `from-${from}.bin`,
    textContent: `${bytes.length} bytes from ${from}`,
  });
  link.className = 'file';
  line('').append(link);
}

function wire(colony: Colony): void {
  const status = () => {
    const { role, roster } = colony.snapshot();
    $('status').textContent = `Bee ${colony.id}, ${role}, with ${roster.length - 1} other bee(s)`;
  };
  colony.on('role', status);
  colony.on('bee-join', ({ bee }) => (line(`${bee} joined`), status()));
  colony.on('bee-leave', ({ bee }) => (line(`${bee} left`), status()));
  colony.on('problem', ({ text }) => line(`problem: ${text}`));
  colony.on('progress', showProgress);
  colony.on('message', ({ from, body }) => {
    if (body instanceof Uint8Array) showFile(from, body);
    else line(`${from}: ${(body as { text: string }).text}`);
  });
  $('say').addEventListener('submit', (event) => {
    event.preventDefault();
    const input = $<HTMLInputElement>('text');
    const text = input.value.trim();
    input.value = '';
    if (text) colony.broadcast({ text }).then(() => line(`me: ${text}`), (err: Error) => line(`not sent: ${err.message}`));
  });
  $<HTMLInputElement>('file').addEventListener('change', async (event) => {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    for (const bee of colony.snapshot().roster.filter((bee) => bee !== colony.id)) {
      colony.send(bee, bytes).then(() => line(`${file.name} delivered to ${bee}`), (err: Error) => line(`${file.name} not delivered to ${bee}: ${err.message}`));
    }
  });
  status();
}

const colony = await joinColony({
  colony: params.get('colony') ?? 'chat',
  transport: params.get('transport') === 'peerjs' ? 'peerjs' : 'simple-peer',
  signal: params.get('signal') ?? location.href,
});
// For the console and for tests (hivemesh/testing looks for window.hive).
Object.assign(window, { hive: colony.hive, colony });
addEventListener('pagehide', () => colony.leave());
wire(colony);
