// The Lua scripts the Redis backplane runs: each is one round trip and atomic, so two instances
// never interleave halves of a join, and exactly one of them cleans up after a dead instance.
// Time is Redis's own (TIME), so instances need no synchronised clocks.
//
// Keys (P = the prefix):
//   P instances          sorted set: instance id → its last heartbeat (ms, Redis time)
//   P since              hash: instance id → since when it has beaten without a gap
//   P bees:{colony}      hash: bee id → "instance token" (the /signal binding)
//   P peers:{colony}     hash: bee id → instance (its PeerJS socket)
//   P token:{token}      string: "colony bee" (a live join's PeerJS token)
//   P held:{instance}    set: "b colony bee" / "p colony bee" (what to clean if the instance dies)
// Channels: P to:{instance} (frames for one instance), P colony:{colony} (departures).
// Colony names, bee ids, tokens and instance ids contain no spaces (signal-protocol.ts).

const NOW = `local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const OWNER = `local function owner(v) local s = string.find(v, ' '); if s then return string.sub(v, 1, s - 1) end; return v end`;

/** Drop one entry `who` held ("b colony bee" or "p colony bee"), announcing a /signal bee's departure. */
const DROP = `${OWNER}
local function drop(P, who, entry)
  local kind, colony, bee = string.match(entry, '^(%a) (%S+) (%S+)$')
  if kind == 'b' then
    local v = redis.call('HGET', P .. 'bees:' .. colony, bee)
    if v and owner(v) == who then
      redis.call('HDEL', P .. 'bees:' .. colony, bee)
      redis.call('DEL', P .. 'token:' .. string.sub(v, #who + 2))
      redis.call('PUBLISH', P .. 'colony:' .. colony, cjson.encode({kind = 'left', colony = colony, bee = bee, from = who}))
    end
  elseif kind == 'p' and redis.call('HGET', P .. 'peers:' .. colony, bee) == who then
    redis.call('HDEL', P .. 'peers:' .. colony, bee)
  end
  redis.call('SREM', P .. 'held:' .. who, entry)
end`;

/** Remove everything dead instance `who` held. */
const CLEAN = `${DROP}
local function clean(P, who)
  for _, entry in ipairs(redis.call('SMEMBERS', P .. 'held:' .. who)) do drop(P, who, entry) end
  redis.call('ZREM', P .. 'instances', who)
  redis.call('HDEL', P .. 'since', who)
end`;

/** ARGV: P, colony, bee, me, token, maxBeesPerColony, resync ('1': only if free or already ours). Returns 1, 0 (full) or -1 (taken). */
const JOIN = `${OWNER}
local P, colony, bee, me, token = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local bees = P .. 'bees:' .. colony
local prev = redis.call('HGET', bees, bee)
if ARGV[7] == '1' and prev and owner(prev) ~= me then return -1 end
if not prev and redis.call('HLEN', bees) >= tonumber(ARGV[6]) then return 0 end
redis.call('HSET', bees, bee, me .. ' ' .. token)
redis.call('SET', P .. 'token:' .. token, colony .. ' ' .. bee)
redis.call('SADD', P .. 'held:' .. me, 'b ' .. colony .. ' ' .. bee)
if prev and prev ~= me .. ' ' .. token then
  local was = owner(prev)
  redis.call('DEL', P .. 'token:' .. string.sub(prev, #was + 2))
  if was ~= me then
    redis.call('SREM', P .. 'held:' .. was, 'b ' .. colony .. ' ' .. bee)
    redis.call('PUBLISH', P .. 'to:' .. was, cjson.encode({kind = 'replaced', colony = colony, bee = bee}))
  end
end
return 1`;

/** ARGV: P, colony, bee, me, token. Announces the departure if the binding was still this one. */
const LEAVE = `
local P, colony, bee, me, token = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
if redis.call('HGET', P .. 'bees:' .. colony, bee) ~= me .. ' ' .. token then return 0 end
redis.call('HDEL', P .. 'bees:' .. colony, bee)
redis.call('DEL', P .. 'token:' .. token)
redis.call('SREM', P .. 'held:' .. me, 'b ' .. colony .. ' ' .. bee)
redis.call('PUBLISH', P .. 'colony:' .. colony, cjson.encode({kind = 'left', colony = colony, bee = bee, from = me}))
return 1`;

/** ARGV: P, 'bees' | 'peers', colony, bee, payload. Publishes to the holder's channel; 0 if none. */
const DELIVER = `${OWNER}
local P = ARGV[1]
local v = redis.call('HGET', P .. ARGV[2] .. ':' .. ARGV[3], ARGV[4])
if not v then return 0 end
redis.call('PUBLISH', P .. 'to:' .. owner(v), ARGV[5])
return 1`;

/** ARGV: P, colony, bee, me, resync ('1': only if free or already ours). Returns 1 or -1 (taken). */
const JOIN_PEER = `
local P, colony, bee, me = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local prev = redis.call('HGET', P .. 'peers:' .. colony, bee)
if ARGV[5] == '1' and prev and prev ~= me then return -1 end
redis.call('HSET', P .. 'peers:' .. colony, bee, me)
redis.call('SADD', P .. 'held:' .. me, 'p ' .. colony .. ' ' .. bee)
if prev and prev ~= me then
  redis.call('SREM', P .. 'held:' .. prev, 'p ' .. colony .. ' ' .. bee)
  redis.call('PUBLISH', P .. 'to:' .. prev, cjson.encode({kind = 'replacedPeer', colony = colony, bee = bee}))
end
return 1`;

/** ARGV: P, colony, bee, me. */
const LEAVE_PEER = `
local P, colony, bee, me = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
if redis.call('HGET', P .. 'peers:' .. colony, bee) ~= me then return 0 end
redis.call('HDEL', P .. 'peers:' .. colony, bee)
redis.call('SREM', P .. 'held:' .. me, 'p ' .. colony .. ' ' .. bee)
return 1`;

/** ARGV: P, colony, exclude, count, me, deadAfterMs. Bees of live other instances, at random. */
const SAMPLE = `${NOW}
${OWNER}
local P, colony, exclude, count, me = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local alive = now - tonumber(ARGV[6])
local found = redis.call('HRANDFIELD', P .. 'bees:' .. colony, count * 3 + 1, 'WITHVALUES')
local picked = {}
for i = 1, #found, 2 do
  local who = owner(found[i + 1])
  if #picked < count and found[i] ~= exclude and who ~= me then
    local beat = redis.call('ZSCORE', P .. 'instances', who)
    if beat and tonumber(beat) >= alive then picked[#picked + 1] = found[i] end
  end
end
return picked`;

/**
 * ARGV: P, me, deadAfterMs, gapMs. Heartbeat, and clean up after instances silent for deadAfterMs
 * while this one kept beating (no gap over gapMs): after Redis itself was away, every instance
 * gets deadAfterMs to come back before anyone calls it dead. Returns the live count.
 */
const BEAT = `${NOW}
${CLEAN}
local P, me = ARGV[1], ARGV[2]
local alive = now - tonumber(ARGV[3])
local previous = tonumber(redis.call('ZSCORE', P .. 'instances', me) or 0)
local since = tonumber(redis.call('HGET', P .. 'since', me) or now)
if now - previous > tonumber(ARGV[4]) then since = now end
redis.call('HSET', P .. 'since', me, since)
redis.call('ZADD', P .. 'instances', now, me)
if since < alive then
  for _, who in ipairs(redis.call('ZRANGEBYSCORE', P .. 'instances', '-inf', '(' .. alive)) do clean(P, who) end
end
return redis.call('ZCOUNT', P .. 'instances', alive, '+inf')`;

/**
 * ARGV: P, me, then the entries this instance still holds. After Redis was out of reach, drops
 * what it held in Redis but no longer has: bees that left while their departure could not be told.
 */
const PRUNE = `${DROP}
local P, me = ARGV[1], ARGV[2]
local live = {}
for i = 3, #ARGV do live[ARGV[i]] = true end
local dropped = 0
for _, entry in ipairs(redis.call('SMEMBERS', P .. 'held:' .. me)) do
  if not live[entry] then
    drop(P, me, entry)
    dropped = dropped + 1
  end
end
return dropped`;

/** ARGV: P, me. A graceful shutdown: this instance's bees leave at once. */
const RETIRE = `${CLEAN}
clean(ARGV[1], ARGV[2])
return 1`;

export const SCRIPTS = {
  hmJoin: JOIN,
  hmLeave: LEAVE,
  hmDeliver: DELIVER,
  hmJoinPeer: JOIN_PEER,
  hmLeavePeer: LEAVE_PEER,
  hmSample: SAMPLE,
  hmBeat: BEAT,
  hmPrune: PRUNE,
  hmRetire: RETIRE,
} as const;

export type ScriptName = keyof typeof SCRIPTS;
