// CPace over ristretto255 against the test vectors of draft-irtf-cfrg-cpace (section "Test vector
// for CPace using group ristretto255 and hash SHA-512"), and its refusals of bad shares.
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { describe, expect, it } from 'vitest';
import { bytesToHex, hexToBytesOrNull } from './encoding';
import { cpaceGenerator, cpaceSecret, cpaceSessionKey, cpaceStart } from './cpace';

const hex = (text: string): Uint8Array => hexToBytesOrNull(text.replace(/\s+/g, ''))!;
const VECTOR = {
  prs: new TextEncoder().encode('Password'),
  channel: hex('0b415f696e69746961746f720b425f726573706f6e646572'),
  session: hex('7e4b4791d6a8ef019b936c79fb7f2c57'),
  generator: '222b6b195fe84b1652badb6f6a3ae3d24341e7306967f0b8115b40d5698c7e56',
  ya: hex('da3d23700a9e5699258aef94dc060dfda5ebb61f02a5ea77fad53f4ff0976d08'),
  Ya: 'd6bac480f2c386c394efc7c47adb9925dcd2630b64f240c50f8d0eec482b9157',
  yb: hex('d2316b454718c35362d83d69df6320f38578ed5984651435e2949762d900b80d'),
  Yb: '3ea7e0b19560d7c0b0f5734f63b955286dfa8232b5ebe63324e2d9e7433f7258',
  K: '80b69a8a76457ab6a4d7f887a4bf6b55a2f80ac19c333f917a05fc9887c8b40f',
  iskInitiatorResponder:
    'b69effbf61b51d56401c0f65601abe428de8206feaaf0e32198896dcae7b35cd2b38950a39dfd5d4a79164614c2984f7daa460b588c1e80c3fa2068af7900447',
};

describe('CPace over ristretto255', () => {
  it('derives the draft\'s generator, shares, shared point and session key', () => {
    const g = cpaceGenerator(VECTOR.prs, VECTOR.channel, VECTOR.session);
    expect(bytesToHex(g.toBytes())).toBe(VECTOR.generator);
    const ya = bytesToNumberLE(VECTOR.ya);
    const yb = bytesToNumberLE(VECTOR.yb);
    const Ya = g.multiply(ya).toBytes();
    const Yb = g.multiply(yb).toBytes();
    expect([bytesToHex(Ya), bytesToHex(Yb)]).toEqual([VECTOR.Ya, VECTOR.Yb]);
    const k = cpaceSecret(ya, Yb)!;
    expect(bytesToHex(k)).toBe(VECTOR.K);
    expect(bytesToHex(cpaceSecret(yb, Ya)!)).toBe(VECTOR.K);
    const isk = cpaceSessionKey(k, { share: Ya, data: new TextEncoder().encode('ADa') }, { share: Yb, data: new TextEncoder().encode('ADb') }, VECTOR.session);
    expect(bytesToHex(isk)).toBe(VECTOR.iskInitiatorResponder);
  });

  it('agrees on a secret only when both ends derived the same generator', () => {
    const channel = new TextEncoder().encode('ab|cd');
    const right = cpaceGenerator(new TextEncoder().encode('right'), channel);
    const a = cpaceStart(right);
    const b = cpaceStart(right);
    expect(bytesToHex(cpaceSecret(a.scalar, b.share)!)).toBe(bytesToHex(cpaceSecret(b.scalar, a.share)!));
    const wrong = cpaceStart(cpaceGenerator(new TextEncoder().encode('wrong'), channel));
    expect(bytesToHex(cpaceSecret(a.scalar, wrong.share)!)).not.toBe(bytesToHex(cpaceSecret(wrong.scalar, a.share)!));
    // Another channel (another pair of bees) gives another generator for the same PRS.
    expect(bytesToHex(cpaceGenerator(new TextEncoder().encode('right'), new TextEncoder().encode('ab|ce')).toBytes())).not.toBe(bytesToHex(right.toBytes()));
  });

  it('refuses the identity and any non-canonical or malformed share', () => {
    const { scalar } = cpaceStart(cpaceGenerator(new TextEncoder().encode('x'), new Uint8Array(0)));
    expect(cpaceSecret(scalar, new Uint8Array(32))).toBeNull(); // the identity
    expect(cpaceSecret(scalar, new Uint8Array(32).fill(0xff))).toBeNull();
    expect(cpaceSecret(scalar, new Uint8Array(31))).toBeNull();
    expect(cpaceSecret(scalar, hex('0100000000000000000000000000000000000000000000000000000000000000'))).toBeNull(); // negative s
  });
});
