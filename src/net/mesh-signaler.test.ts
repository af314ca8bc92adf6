import { describe, expect, it } from 'vitest';
import { MeshSignaler, type ServerSignaler } from './mesh-signaler';
import { Listeners } from './transport';

function fakeServer(): ServerSignaler & { connected: boolean; sent: Array<[string, unknown]>; incoming: Listeners<[string, unknown]> } {
  const incoming = new Listeners<[string, unknown]>();
  return {
    connected: true,
    sent: [],
    incoming,
    sendSignal(to, data) {
      this.sent.push([to, data]);
    },
    onSignal: (listener) => incoming.add(([from, data]) => listener(from, data)),
  };
}

describe('MeshSignaler', () => {
  it('signals through the server while it is reachable, through the mesh when it is not', () => {
    const server = fakeServer();
    const viaMesh: Array<[string, unknown]> = [];
    const signals = new MeshSignaler(server, (to, data) => viaMesh.push([to, data]));
    signals.sendSignal('aaaaaaaaaaaaaaaa', { sdp: 1 });
    server.connected = false;
    signals.sendSignal('bbbbbbbbbbbbbbbb', { sdp: 2 });
    expect(server.sent).toEqual([['aaaaaaaaaaaaaaaa', { sdp: 1 }]]);
    expect(viaMesh).toEqual([['bbbbbbbbbbbbbbbb', { sdp: 2 }]]);
    expect(signals.relayed).toBe(1);
  });

  it('hands on signals from both the server and the mesh, until unsubscribed', () => {
    const server = fakeServer();
    const signals = new MeshSignaler(server, () => {});
    const heard: Array<[string, unknown]> = [];
    const stop = signals.onSignal((from, data) => heard.push([from, data]));
    server.incoming.emit(['aaaaaaaaaaaaaaaa', 'from the server']);
    signals.deliver('bbbbbbbbbbbbbbbb', 'through the mesh');
    stop();
    signals.deliver('bbbbbbbbbbbbbbbb', 'too late');
    expect(heard).toEqual([
      ['aaaaaaaaaaaaaaaa', 'from the server'],
      ['bbbbbbbbbbbbbbbb', 'through the mesh'],
    ]);
  });
});
