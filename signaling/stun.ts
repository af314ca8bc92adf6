// The embedded STUN responder: answers RFC 5389 Binding requests with the address they came from
// (XOR-MAPPED-ADDRESS), nothing else. A browser that hides its local addresses behind mDNS names
// (Chrome's default) still learns and offers its real LAN address as a server-reflexive candidate,
// so tabs link on networks that block multicast, as many school Wi-Fi networks do.

import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { fullBucket, takeToken, type Bucket, type Rate } from './rate-limit';

const HEADER_BYTES = 20;
const MAGIC_COOKIE = 0x2112a442;
const BINDING_REQUEST = 0x0001;
const BINDING_SUCCESS = 0x0101;
const XOR_MAPPED_ADDRESS = 0x0020;
const FAMILY_IPV4 = 0x01;
const FAMILY_IPV6 = 0x02;
/** A Binding request with a few attributes (SOFTWARE, FINGERPRINT) is well under this. */
const MAX_REQUEST_BYTES = 548;

/**
 * Answers per second across all senders. UDP sources can be forged, so the responder must not
 * become a reflector: each answer is at most 44 bytes for a request of at least 20, and a flood
 * is answered at this rate only. A classroom of 60 tabs gathering at once sends a few hundred.
 */
export const STUN_RATE: Readonly<Rate> = { perS: 500, burst: 1000 };

export interface StunStats {
  answered: number;
  /** Datagrams that were not a well-formed Binding request, or came beyond the rate. */
  dropped: number;
}

export interface StunResponder {
  readonly port: number;
  stats(): StunStats;
  close(): Promise<void>;
}

/** The Binding success response for `request` from `address`:`port`, or null when it is no Binding request. */
export function bindingResponse(request: Buffer, address: string, port: number): Buffer | null {
  if (request.length < HEADER_BYTES || request.length > MAX_REQUEST_BYTES) return null;
  const length = request.readUInt16BE(2);
  if (request.readUInt16BE(0) !== BINDING_REQUEST || request.readUInt32BE(4) !== MAGIC_COOKIE) return null;
  if (length !== request.length - HEADER_BYTES || length % 4 !== 0) return null;
  const transaction = request.subarray(8, HEADER_BYTES);
  const ipv4 = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  const raw = ipv4.includes('.') ? Buffer.from(ipv4.split('.').map(Number)) : ipv6Bytes(address);
  if (raw === null) return null;
  // The address is XORed with the cookie (and for IPv6 the transaction id) so that NATs which
  // rewrite addresses they see in payloads leave it alone (RFC 5389 §15.2).
  const mask = Buffer.concat([request.subarray(4, 8), transaction]);
  const value = Buffer.alloc(4 + raw.length);
  value.writeUInt8(raw.length === 4 ? FAMILY_IPV4 : FAMILY_IPV6, 1);
  value.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  raw.forEach((byte, i) => value.writeUInt8(byte ^ (mask[i] ?? 0), 4 + i));
  const response = Buffer.alloc(HEADER_BYTES + 4 + value.length);
  response.writeUInt16BE(BINDING_SUCCESS, 0);
  response.writeUInt16BE(4 + value.length, 2);
  response.writeUInt32BE(MAGIC_COOKIE, 4);
  transaction.copy(response, 8);
  response.writeUInt16BE(XOR_MAPPED_ADDRESS, HEADER_BYTES);
  response.writeUInt16BE(value.length, HEADER_BYTES + 2);
  value.copy(response, HEADER_BYTES + 4);
  return response;
}

function ipv6Bytes(address: string): Buffer | null {
  const [head = '', tail] = address.split('%', 1)[0]!.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return null;
  const all = [...left, ...Array<string>(missing).fill('0'), ...right];
  if (!all.every((group) => /^[0-9a-f]{1,4}$/i.test(group))) return null;
  const bytes = Buffer.alloc(16);
  all.forEach((group, i) => bytes.writeUInt16BE(parseInt(group, 16), i * 2));
  return bytes;
}

export interface StunOptions {
  port: number;
  /** As the HTTP server's HOST: '0.0.0.0' (or none) listens on every IPv4 interface, '::' on IPv6 as well. */
  host?: string;
  rate?: Rate;
  /** Milliseconds, for the rate; tests pass their own clock. */
  now?: () => number;
}

export async function startStunResponder({ port, host, rate = STUN_RATE, now = () => performance.now() }: StunOptions): Promise<StunResponder> {
  const socket = dgram.createSocket(host?.includes(':') ? 'udp6' : 'udp4');
  const stats: StunStats = { answered: 0, dropped: 0 };
  let bucket: Bucket = fullBucket(rate, now());
  socket.on('message', (request, from) => {
    const taken = takeToken(bucket, rate, now());
    bucket = taken.bucket;
    const response = taken.allowed ? bindingResponse(request, from.address, from.port) : null;
    if (response === null) return void stats.dropped++;
    stats.answered++;
    socket.send(response, from.port, from.address);
  });
  // A send that fails (an unreachable sender) costs that answer, never the server.
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      socket.on('error', () => {});
      resolve();
    });
  });
  let closing: Promise<void> | null = null;
  return {
    port: (socket.address() as AddressInfo).port,
    stats: () => ({ ...stats }),
    close: () => (closing ??= new Promise<void>((resolve) => socket.close(() => resolve()))),
  };
}
