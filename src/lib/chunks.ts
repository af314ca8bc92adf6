// Bodies bigger than one envelope travel as chunks: each chunk is a normal JSON body, signed,
// acknowledged, de-duplicated and paced like any other message (so every guarantee of
// docs/security.md holds per chunk), and the receiver puts them back together here. Binary bodies
// (Uint8Array, ArrayBuffer) always travel as chunks, since a JSON body cannot carry bytes; JSON
// bodies only when they are too big for one envelope. Pure: no I/O, no clock.

import { base64urlToBytes, bytesToBase64url } from '../crypto/encoding';

/** The key that marks a body as a chunk. A plain body that carries it is taken for one. */
export const CHUNK_MARK = 'hivemesh:chunk';
/** Raw bytes a chunk carries: 8,000 in base64url, which with the chunk's fields fits MAX_BODY_BYTES. */
export const CHUNK_BYTES = 6000;
/** The largest body a transfer carries (either way); the receiver holds every sender to it. */
export const MAX_TRANSFER_BYTES = 16 * 1024 * 1024;
/** Transfers one sender may have half received at once; a further one pushes out its oldest. */
export const MAX_OPEN_TRANSFERS_PER_BEE = 4;

export type ChunkKind = 'bytes' | 'json';

/** One chunk as it travels: a plain JSON body. */
export interface Chunk {
  [CHUNK_MARK]: string; // the transfer's id
  kind: ChunkKind;
  /** The whole body's length in bytes. */
  size: number;
  seq: number;
  data: string;
}

export const chunkCount = (size: number): number => Math.max(1, Math.ceil(size / CHUNK_BYTES));

/** The body's chunks, in order. */
export function split(transfer: string, kind: ChunkKind, bytes: Uint8Array): Chunk[] {
  return Array.from({ length: chunkCount(bytes.length) }, (_, seq) => ({
    [CHUNK_MARK]: transfer,
    kind,
    size: bytes.length,
    seq,
    data: bytesToBase64url(bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES)),
  }));
}

export function isChunk(body: unknown): body is Record<typeof CHUNK_MARK, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && CHUNK_MARK in body;
}

/** A chunk's fields checked against each other, its bytes decoded; null when anything is off. */
export function readChunk(body: unknown): { transfer: string; kind: ChunkKind; size: number; seq: number; bytes: Uint8Array } | null {
  if (!isChunk(body)) return null;
  const { [CHUNK_MARK]: transfer, kind, size, seq } = body as Partial<Chunk>;
  if (typeof transfer !== 'string' || transfer.length === 0 || transfer.length > 64) return null;
  if (kind !== 'bytes' && kind !== 'json') return null;
  if (!Number.isSafeInteger(size) || (size as number) < 0 || (size as number) > MAX_TRANSFER_BYTES) return null;
  const count = chunkCount(size as number);
  if (!Number.isSafeInteger(seq) || (seq as number) < 0 || (seq as number) >= count) return null;
  // Every chunk but the last is full: the sizes add up, so a transfer cannot outgrow what it declared.
  const length = (seq as number) < count - 1 ? CHUNK_BYTES : (size as number) - (count - 1) * CHUNK_BYTES;
  const bytes = base64urlToBytes((body as Partial<Chunk>).data, length);
  return bytes && { transfer, kind, size: size as number, seq: seq as number, bytes };
}

export interface Progress {
  transfer: string;
  /** Bytes so far, and in all. */
  done: number;
  total: number;
}

export type Assembled = { transfer: string; body: unknown } | { transfer: string; error: string };

interface Open {
  kind: ChunkKind;
  size: number;
  bytes: Uint8Array;
  have: Set<number>;
  done: number;
}

/** Half-received transfers, per sender, bounded. */
export class Assembler {
  private readonly open = new Map<string, Map<string, Open>>();

  /**
   * Takes one delivered chunk from `from`. Returns its progress and, with the last chunk, the body;
   * null for a chunk that does not fit its transfer (a different size or kind than its first), a
   * repeat, or one that does not parse.
   */
  take(from: string, body: unknown): { progress: Progress; assembled?: Assembled } | null {
    const chunk = readChunk(body);
    if (!chunk) return null;
    const transfers = this.open.get(from) ?? new Map<string, Open>();
    this.open.set(from, transfers);
    let open = transfers.get(chunk.transfer);
    if (!open) {
      if (transfers.size >= MAX_OPEN_TRANSFERS_PER_BEE) transfers.delete(transfers.keys().next().value as string);
      open = { kind: chunk.kind, size: chunk.size, bytes: new Uint8Array(chunk.size), have: new Set(), done: 0 };
      transfers.set(chunk.transfer, open);
    }
    if (open.kind !== chunk.kind || open.size !== chunk.size || open.have.has(chunk.seq)) return null;
    open.bytes.set(chunk.bytes, chunk.seq * CHUNK_BYTES);
    open.have.add(chunk.seq);
    open.done += chunk.bytes.length;
    const progress = { transfer: chunk.transfer, done: open.done, total: open.size };
    if (open.have.size < chunkCount(open.size)) return { progress };
    transfers.delete(chunk.transfer);
    if (transfers.size === 0) this.open.delete(from);
    return { progress, assembled: assemble(chunk.transfer, open) };
  }

  /** Half-received transfers, for snapshots and tests. */
  get pending(): number {
    let count = 0;
    for (const transfers of this.open.values()) count += transfers.size;
    return count;
  }
}

function assemble(transfer: string, open: Open): Assembled {
  if (open.kind === 'bytes') return { transfer, body: open.bytes };
  try {
    return { transfer, body: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(open.bytes)) as unknown };
  } catch (err) {
    return { transfer, error: `a chunked JSON body did not parse: ${(err as Error).message}` };
  }
}

/** The bytes a binary body carries, or null when it is not binary. */
export function binaryBytes(body: unknown): Uint8Array | null {
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  return null;
}

