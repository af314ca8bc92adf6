// Hivemesh as a library: `joinColony(options)` → a Colony (docs/api.md). Everything else here is
// types, the error class and its codes.

export { joinColony, type JoinOptions } from './lib/join';
export { Colony, type ColonyEventName, type ColonyEvents, type ColonyMessage, type SendOptions, type TransferProgress } from './lib/colony';
export { CHUNK_BYTES, MAX_TRANSFER_BYTES } from './lib/chunks';
export { deriveColonyKey } from './crypto/passphrase';
export { ERROR_CODES, HiveError, type ErrorCode } from './errors';
export type { ExportedLog, HiveApi, HiveSnapshot, InboxEntry, VoteState } from './api';
export type { Role } from './hive/protocol';
