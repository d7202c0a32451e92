package redisstate

import "github.com/redis/go-redis/v9"

// The Store's scripts. A call is a hash {r: record JSON, room, patch}; room:<name> holds the
// callId of the call in that room, with the same TTL.

// onceClaimScript: KEYS call, room key, replay mark; ARGV record, room, ttl ms, callId,
// the mark's ttl ms (empty: no mark). The mark is set first, so that a replay is told apart
// from a repeated delivery even though the claim then finds the call.
// → {1, "", first} claimed, or {0, stored record, first}; first is 0 when the mark was already set.
var onceClaimScript = redis.NewScript(`
local first = 1
if ARGV[5] ~= '' and not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[5]) then first = 0 end
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGET', KEYS[1], 'r') or '', first}
end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'room', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[3]) end
return {1, '', first}
`)

// putScript: KEYS call, room key; ARGV record, room, ttl ms, callId, room key prefix.
// The patch claim (field patch) survives; a room the call left is unindexed if it still
// points to this call.
var putScript = redis.NewScript(`
local old = redis.call('HGET', KEYS[1], 'room')
if old and old ~= '' and old ~= ARGV[2] then
  local k = ARGV[5] .. old
  if redis.call('GET', k) == ARGV[4] then redis.call('DEL', k) end
end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'room', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[3]) end
return 1
`)

// byRoomScript: KEYS room key; ARGV call key prefix. → the record, or nil.
var byRoomScript = redis.NewScript(`
local id = redis.call('GET', KEYS[1])
if not id then return false end
return redis.call('HGET', ARGV[1] .. id, 'r')
`)

// claimPatchScript: KEYS call. → 1 for the first claim of a stored call, else 0.
var claimPatchScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'patch', '1')
`)

// callOfRoom: KEYS room key; ARGV call key prefix. Sets ck (the call's key) and raw (its
// record), or returns nil when no stored call is in the room.
const callOfRoom = `
local id = redis.call('GET', KEYS[1])
if not id then return false end
local ck = ARGV[1] .. id
local raw = redis.call('HGET', ck, 'r')
if not raw then return false end
`

// claimPatchByRoomScript: callOfRoom, then the call's patch claim. → {record, 1 for the
// first claim, else 0}, or nil.
var claimPatchByRoomScript = redis.NewScript(callOfRoom + `
return {raw, redis.call('HSETNX', ck, 'patch', '1')}
`)

// markByRoomScript: callOfRoom; ARGV then state, reason, time (RFC 3339, the record's
// connected_at for "connected", else ended_at), ttl ms, and the states the mark skips. The
// record is changed in place (cjson), its other fields as they were. → {record, 1 if
// changed, else 0}, or nil.
var markByRoomScript = redis.NewScript(callOfRoom + `
local rec = cjson.decode(raw)
for i = 6, #ARGV do
  if rec['state'] == ARGV[i] then return {raw, 0} end
end
rec['state'] = ARGV[2]
if ARGV[3] ~= '' then rec['reason'] = ARGV[3] end
if ARGV[2] == 'connected' then rec['connected_at'] = ARGV[4] else rec['ended_at'] = ARGV[4] end
raw = cjson.encode(rec)
redis.call('HSET', ck, 'r', raw)
redis.call('PEXPIRE', ck, ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return {raw, 1}
`)
