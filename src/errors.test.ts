// A body that cannot travel is refused with a code before anything is stored or sent.
import { beforeAll, describe, expect, it } from 'vitest';
import { loadPassphraseCrypto } from './crypto/passphrase-crypto';
import { bodyError, ERROR_CODES, HiveError } from './errors';
import { MAX_BODY_BYTES, MAX_PAYLOAD_BYTES } from './hive/frames';
import { sealBody } from './link/sealed-body';

const codeOf = (body: unknown) => bodyError(body)?.code ?? null;

// A passphrase colony's crypto loads before its first seal, as Bee.start loads it.
beforeAll(() => loadPassphraseCrypto());

describe('message bodies', () => {
  it('pass when they are plain JSON within the limits', () => {
    expect(codeOf({ text: 'hi', n: [1, 2, { ok: true }] })).toBeNull();
    expect(codeOf(null)).toBeNull();
  });

  it('are refused with a code for each way they cannot travel', () => {
    expect(codeOf('x'.repeat(MAX_BODY_BYTES))).toBe('ERR_BODY_TOO_BIG');
    expect(codeOf([[[[[[[[[['deep']]]]]]]]]])).toBe('ERR_BODY_TOO_DEEP');
    expect(codeOf(undefined)).toBe('ERR_BODY_UNSIGNABLE');
    expect(codeOf({ n: Number.NaN })).toBe('ERR_BODY_UNSIGNABLE');
    expect(codeOf(() => 1)).toBe('ERR_BODY_UNSIGNABLE');
    expect(codeOf(10n)).toBe('ERR_BODY_UNSIGNABLE');
    expect(codeOf(new Date(0))).toBe('ERR_BODY_UNSIGNABLE');
  });

  it('are measured in UTF-8, so that the largest one taken still fits an envelope once sealed', () => {
    // Three bytes a character in UTF-8, one in the JSON string: over the limit although short.
    const most = Math.floor((MAX_BODY_BYTES - 2) / 3);
    expect(codeOf('字'.repeat(most))).toBeNull();
    expect(codeOf('字'.repeat(most + 1))).toBe('ERR_BODY_TOO_BIG');
    const sealed = { k: 'data', msg: 'f'.repeat(32), body: sealBody(new Uint8Array(32), 'x'.repeat(MAX_BODY_BYTES - 2)) };
    expect(JSON.stringify(sealed).length).toBeLessThanOrEqual(MAX_PAYLOAD_BYTES);
  });

  it('are refused with a HiveError, an Error whose code is one of the listed codes', () => {
    const error = bodyError(undefined);
    expect(error).toBeInstanceOf(HiveError);
    expect(error).toBeInstanceOf(Error);
    expect(ERROR_CODES).toContain(error?.code);
    expect(error?.name).toBe('HiveError');
  });
});
