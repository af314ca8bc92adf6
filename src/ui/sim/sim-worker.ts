// The /sim page's Web Worker: the simulator and the map's layout run here, off the page's
// thread, so the page only draws. It runs a slice, then yields so the page's orders are read between slices.

import { SimHost } from './sim-host';
import type { SimOrder, SimReport } from './sim-protocol';

/** Time between runs when the simulator is ahead: about one display frame. */
const TICK_MS = 16;

interface WorkerScope {
  onmessage: ((event: MessageEvent<SimOrder>) => void) | null;
  postMessage(report: SimReport, transfer?: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const host = new SimHost((report, transfer) => scope.postMessage(report, transfer));
scope.onmessage = (event) => host.order(event.data);

function loop(): void {
  const started = performance.now();
  host.run();
  setTimeout(loop, Math.max(0, TICK_MS - (performance.now() - started)));
}
loop();
