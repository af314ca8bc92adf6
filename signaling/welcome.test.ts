// What `npm start` tells the room: every LAN address, the default route's first, each with a QR
// code; PUBLIC_URL instead when the app is reached through a proxy or a tunnel.

import type os from 'node:os';
import { describe, expect, it } from 'vitest';
import { defaultRouteAddress, lanAddresses, welcome } from './welcome';

const v4 = (address: string, internal = false) => ({ address, family: 'IPv4', internal }) as os.NetworkInterfaceInfo;
const v6 = (address: string) => ({ address, family: 'IPv6', internal: false }) as os.NetworkInterfaceInfo;

// A laptop: Docker's bridge and a VPN listed before the Wi-Fi the room is on.
const LAPTOP = {
  lo: [v4('127.0.0.1', true)],
  docker0: [v4('172.17.0.1')],
  tun0: [v4('10.8.0.5')],
  wlan0: [v4('192.168.1.23'), v6('fe80::1')],
};

describe('lanAddresses', () => {
  it('lists every external IPv4 address, the default route first', () => {
    expect(lanAddresses(LAPTOP, '192.168.1.23')).toEqual(['192.168.1.23', '172.17.0.1', '10.8.0.5']);
  });

  it('keeps the interfaces order when the default route is unknown or not among them', () => {
    expect(lanAddresses(LAPTOP, null)).toEqual(['172.17.0.1', '10.8.0.5', '192.168.1.23']);
    expect(lanAddresses(LAPTOP, '127.0.0.1')).toEqual(['172.17.0.1', '10.8.0.5', '192.168.1.23']);
  });
});

describe('defaultRouteAddress', () => {
  it('answers an address of this machine, or null without a default route', async () => {
    const address = await defaultRouteAddress();
    if (address !== null) expect(lanAddresses()).toContain(address);
  });
});

describe('welcome', () => {
  it('prints every LAN address and a QR code for each when serving all interfaces', () => {
    const { lines, qr } = welcome('0.0.0.0', 8080, ['192.168.1.23', '10.8.0.5'], null);
    expect(lines).toContain('  on this machine:  http://localhost:8080/?colony=demo');
    expect(lines).toContain('  on the network:   http://192.168.1.23:8080/?colony=demo');
    expect(lines).toContain('  on the network:   http://10.8.0.5:8080/?colony=demo');
    expect(qr).toEqual(['http://192.168.1.23:8080/?colony=demo', 'http://10.8.0.5:8080/?colony=demo']);
  });

  it('prints PUBLIC_URL instead of the LAN addresses, with its QR code', () => {
    const { lines, qr } = welcome('127.0.0.1', 8080, ['192.168.1.23'], new URL('https://hive.example.org/class/'));
    expect(qr).toEqual(['https://hive.example.org/class/?colony=demo']);
    expect(lines.join('\n')).not.toContain('192.168.1.23');
  });

  it('offers no room address when it listens on loopback only', () => {
    const { lines, qr } = welcome('127.0.0.1', 8080, ['192.168.1.23'], null);
    expect(lines).toEqual(['Hivemesh is running.', '  on this machine:  http://localhost:8080/?colony=demo']);
    expect(qr).toEqual([]);
  });

  it('says so when no LAN address exists', () => {
    const { lines, qr } = welcome('0.0.0.0', 8080, [], null);
    expect(lines.at(-1)).toMatch(/no LAN address found/);
    expect(qr).toEqual([]);
  });
});
