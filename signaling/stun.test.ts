// The embedded STUN responder: RFC 5389 Binding responses that tell a browser the address it was
// seen at, checked against RFC 5769's test vectors and over a real UDP socket.

import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { bindingResponse, startStunResponder, type StunResponder } from './stun';

const TRANSACTION = Buffer.from('b7e7a701bc34d686fa87dfae', 'hex');
const bindingRequest = (transaction = TRANSACTION, attributes = Buffer.alloc(0)) =>
  Buffer.concat([Buffer.from([0x00, 0x01, attributes.length >> 8, attributes.length & 0xff, 0x21, 0x12, 0xa4, 0x42]), transaction, attributes]);
const attribute = (response: Buffer) => response.subarray(20).toString('hex');

describe('bindingResponse', () => {
  it('answers an IPv4 sender with the XOR-MAPPED-ADDRESS of RFC 5769 §2.2', () => {
    const response = bindingResponse(bindingRequest(), '192.0.2.1', 32853)!;
    expect(response.subarray(0, 20).toString('hex')).toBe(`0101000c2112a442${TRANSACTION.toString('hex')}`);
    expect(attribute(response)).toBe('002000080001a147e112a643');
  });

  it('answers an IPv6 sender with the XOR-MAPPED-ADDRESS of RFC 5769 §2.3', () => {
    const response = bindingResponse(bindingRequest(), '2001:db8:1234:5678:11:2233:4455:6677', 32853)!;
    expect(attribute(response)).toBe('002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9');
  });

  it('answers an IPv4 sender seen on a dual-stack socket as IPv4', () => {
    expect(attribute(bindingResponse(bindingRequest(), '::ffff:192.0.2.1', 32853)!)).toBe('002000080001a147e112a643');
  });

  it('answers a request that carries attributes (SOFTWARE) with its own transaction id', () => {
    const software = Buffer.from('802200046869766d', 'hex');
    expect(bindingResponse(bindingRequest(TRANSACTION, software), '192.0.2.1', 32853)?.subarray(8, 20)).toEqual(TRANSACTION);
  });

  it('ignores what is not a Binding request: other methods, a wrong cookie, a lying length, a short datagram', () => {
    const request = bindingRequest();
    const allocate = Buffer.from(request);
    allocate.writeUInt16BE(0x0003, 0);
    const oldStun = Buffer.from(request);
    oldStun.writeUInt32BE(0, 4);
    const lying = Buffer.from(request);
    lying.writeUInt16BE(8, 2);
    for (const datagram of [allocate, oldStun, lying, request.subarray(0, 19), Buffer.from('GET / HTTP/1.1\r\n\r\n')]) {
      expect(bindingResponse(datagram, '192.0.2.1', 32853)).toBeNull();
    }
  });
});

describe('startStunResponder', () => {
  let responder: StunResponder | null = null;
  const client = dgram.createSocket('udp4');
  const answers: Buffer[] = [];
  client.on('message', (message) => answers.push(message));
  const clientReady = new Promise<void>((resolve) => client.bind(0, '127.0.0.1', resolve));

  afterEach(async () => {
    await responder?.close();
    answers.length = 0;
  });

  it('tells a sender over UDP the address and port it was seen at', async () => {
    await clientReady;
    responder = await startStunResponder({ port: 0, host: '127.0.0.1' });
    client.send(bindingRequest(), responder.port, '127.0.0.1');
    await vi.waitFor(() => expect(answers).toHaveLength(1));
    const value = answers[0]!.subarray(24);
    expect(value.readUInt16BE(2) ^ 0x2112).toBe((client.address() as AddressInfo).port);
    expect([...value.subarray(4, 8)].map((byte, i) => byte ^ [0x21, 0x12, 0xa4, 0x42][i]!).join('.')).toBe('127.0.0.1');
    expect(responder.stats()).toEqual({ answered: 1, dropped: 0 });
  });

  it('answers a flood only at its rate, so forged senders cannot turn it into a reflector', async () => {
    await clientReady;
    // A clock that stands still: the bucket never refills.
    responder = await startStunResponder({ port: 0, host: '127.0.0.1', rate: { perS: 1, burst: 3 }, now: () => 0 });
    for (let i = 0; i < 10; i++) client.send(bindingRequest(), responder.port, '127.0.0.1');
    await vi.waitFor(() => expect(responder!.stats().answered + responder!.stats().dropped).toBe(10));
    expect(responder.stats()).toEqual({ answered: 3, dropped: 7 });
  });

  it('closes twice without complaint', async () => {
    responder = await startStunResponder({ port: 0, host: '127.0.0.1' });
    await responder.close();
    await responder.close();
  });
});
