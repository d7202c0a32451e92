package redisstate

import "github.com/redis/go-redis/v9"

// The Store's scripts. A call is a hash {r: record JSON, room, patch}; room:<name> holds the
// callId of the call in that room, with the same TTL.

// claimScript: KEYS call, room key; ARGV record, room, ttl ms, callId.
// → {1, ""} claimed, or {0, stored record}.
var claimScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return {0, redis.call('HGET', KEYS[1], 'r') or ''}
end
redis.call('HSET', KEYS[1], 'r', ARGV[1], 'room', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
if ARGV[2] ~= '' then redis.call('SET', KEYS[2], ARGV[4], 'PX', ARGV[3]) end
return {1, ''}
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
