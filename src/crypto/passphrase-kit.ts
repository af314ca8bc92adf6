// What a passphrase colony's tab needs beyond an open colony's, as one chunk: CPace on
// ristretto255, XChaCha20-Poly1305 seals and scrypt. Loaded through passphrase-crypto.ts only.
export { CPACE_SHARE_BYTES, cpaceGenerator, cpaceSecret, cpaceSessionKey, cpaceStart, lengthValues } from './cpace';
export { deriveColonyKey, open, pakeSecret, seal } from './passphrase';
