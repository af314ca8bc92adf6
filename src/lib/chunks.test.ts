// A big body travels as chunks that are each a normal message; the receiver puts them back
// together, holds every sender to the sizes it declared, and keeps only a few transfers open.
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../crypto/envelope';
import { bodyError } from '../errors';
import { Assembler, CHUNK_BYTES, CHUNK_MARK, MAX_OPEN_TRANSFERS_PER_BEE, MAX_TRANSFER_BYTES, readChunk, split, type Chunk } from './chunks';

const FROM = 'a'.repeat(32);

function bytes(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256);
}

describe('chunks', () => {
  it('every chunk of a body is a body that fits one envelope', () => {
    for (const chunk of split('t1', 'bytes', bytes(3 * CHUNK_BYTES + 5))) expect(bodyError(chunk)).toBeNull();
    expect(canonicalJson(split('f'.repeat(64), 'bytes', bytes(CHUNK_BYTES))[0]).length).toBeLessThan(8 * 1024);
  });

  it('a binary body of 1 MB comes back whole, whatever order its chunks arrive in, with progress up to its size', () => {
    const body = bytes(1024 * 1024);
    const chunks = split('t1', 'bytes', body).reverse();
    const assembler = new Assembler();
    const progress: number[] = [];
    let result: { transfer: string; body?: unknown } | undefined;
    for (const chunk of chunks) {
      const taken = assembler.take(FROM, chunk);
      progress.push(taken?.progress.done ?? -1);
      if (taken?.assembled) result = taken.assembled;
    }
    expect(result?.transfer).toBe('t1');
    // Compared as buffers: a deep equal of a million elements takes seconds.
    expect(Buffer.from(result?.body as Uint8Array).equals(body)).toBe(true);
    expect(progress.at(-1)).toBe(body.length);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(assembler.pending).toBe(0);
  });

  it('a chunked JSON body comes back as the JSON it was', () => {
    const body = { text: 'é'.repeat(20_000), n: [1, 2, 3] };
    const assembler = new Assembler();
    const results = split('t2', 'json', new TextEncoder().encode(JSON.stringify(body))).map((chunk) => assembler.take(FROM, chunk)?.assembled);
    expect(results.at(-1)).toEqual({ transfer: 't2', body });
  });

  it('an empty binary body is one chunk', () => {
    const [only, ...rest] = split('t3', 'bytes', new Uint8Array(0));
    expect(rest).toEqual([]);
    expect(new Assembler().take(FROM, only)?.assembled).toEqual({ transfer: 't3', body: new Uint8Array(0) });
  });

  it('a chunk whose bytes do not match the size it declares is dropped', () => {
    const [first] = split('t4', 'bytes', bytes(2 * CHUNK_BYTES));
    const short: Chunk = { ...(first as Chunk), data: (first as Chunk).data.slice(0, 100) };
    expect(readChunk(short)).toBeNull();
    // The last chunk carries exactly the rest: one byte more would overrun the declared size.
    const last = split('t5', 'bytes', bytes(CHUNK_BYTES + 10))[1] as Chunk;
    expect(readChunk({ ...last, data: split('x', 'bytes', bytes(11))[0]?.data })).toBeNull();
  });

  it('a transfer bigger than MAX_TRANSFER_BYTES is refused at its first chunk', () => {
    const chunk = { [CHUNK_MARK]: 't6', kind: 'bytes', size: MAX_TRANSFER_BYTES + 1, seq: 0, data: split('x', 'bytes', bytes(CHUNK_BYTES))[0]?.data };
    expect(readChunk(chunk)).toBeNull();
    expect(new Assembler().take(FROM, chunk)).toBeNull();
  });

  it('a chunk numbered past its transfer is refused', () => {
    const [first] = split('t7', 'bytes', bytes(CHUNK_BYTES));
    expect(readChunk({ ...(first as Chunk), seq: 1 })).toBeNull();
    expect(readChunk({ ...(first as Chunk), seq: -1 })).toBeNull();
  });

  it('a chunk that contradicts the size of its transfer, or repeats, is refused', () => {
    const assembler = new Assembler();
    const [a, b] = split('t8', 'bytes', bytes(2 * CHUNK_BYTES));
    expect(assembler.take(FROM, a)).not.toBeNull();
    expect(assembler.take(FROM, a)).toBeNull();
    const [, other] = split('t8', 'bytes', bytes(3 * CHUNK_BYTES));
    expect(assembler.take(FROM, other)).toBeNull();
    expect(assembler.take(FROM, b)?.assembled).toEqual({ transfer: 't8', body: bytes(2 * CHUNK_BYTES) });
  });

  it('one sender keeps at most MAX_OPEN_TRANSFERS_PER_BEE transfers half received; its oldest goes first', () => {
    const assembler = new Assembler();
    const firsts = Array.from({ length: MAX_OPEN_TRANSFERS_PER_BEE + 1 }, (_, i) => split(`u${i}`, 'bytes', bytes(2 * CHUNK_BYTES)));
    for (const chunks of firsts) assembler.take(FROM, chunks[0]);
    expect(assembler.pending).toBe(MAX_OPEN_TRANSFERS_PER_BEE);
    // The oldest started again from nothing: its second chunk alone does not finish it.
    expect(assembler.take(FROM, firsts[0]?.[1])?.assembled).toBeUndefined();
    expect(assembler.take(FROM, firsts[MAX_OPEN_TRANSFERS_PER_BEE]?.[1])?.assembled).toBeDefined();
    // Another sender has transfers of its own.
    const before = assembler.pending;
    assembler.take('b'.repeat(32), firsts[1]?.[0]);
    expect(assembler.pending).toBe(before + 1);
  });

  it('a chunked JSON body that is not UTF-8 JSON is reported, not delivered', () => {
    const assembler = new Assembler();
    const [only] = split('t9', 'json', new Uint8Array([0xff, 0xfe]));
    expect(assembler.take(FROM, only)?.assembled).toMatchObject({ transfer: 't9', error: expect.stringContaining('did not parse') });
  });
});
