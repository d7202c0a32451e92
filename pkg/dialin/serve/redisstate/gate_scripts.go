package redisstate

import "github.com/redis/go-redis/v9"

// The gate's scripts all take the same KEYS, in this order (see gateKeys.list):
//
//	1 seq  2 order  3 slots  4 slotrule  5 rulecount  6 queue  7 qexp  8 qinfo  9 released
//
// Times are Redis's clock in milliseconds. Every script first drops expired leases and
// tickets, so a dead replica's slots and waiting calls go away at the first script run after
// their expiry, whoever runs it.
const gatePrelude = `
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function dropslot(id)
  if redis.call('ZREM', KEYS[3], id) == 0 then return 0 end
  local r = redis.call('HGET', KEYS[4], id)
  if r then
    if redis.call('HINCRBY', KEYS[5], r, -1) <= 0 then redis.call('HDEL', KEYS[5], r) end
    redis.call('HDEL', KEYS[4], id)
  end
  return 1
end
local function dropticket(id)
  redis.call('HDEL', KEYS[8], id)
  redis.call('ZREM', KEYS[7], id)
  return redis.call('ZREM', KEYS[6], id)
end
local function takeslot(id, rule, ttl)
  redis.call('ZADD', KEYS[3], now + ttl, id)
  redis.call('HSET', KEYS[4], id, rule)
  redis.call('HINCRBY', KEYS[5], rule, 1)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[3], '-inf', now)) do dropslot(id) end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[7], '-inf', now)) do dropticket(id) end
`

// gateWalk defines admit(mine, global, lease): it walks the queue from its head and gives a
// slot to every waiting call whose caps fit once the calls ahead of it that fit have had
// theirs. Calls in mine (callId → true) really take their slot; the others' slots stay
// reserved for them until their own replica looks (admission is self-service) or their
// ticket expires. So a waiting call is never overtaken by a later one that its caps would
// also hold back, and a call held back only by its rule's cap holds back no one else. Once
// the global cap is reached nothing further can fit, and the walk stops.
// → callId → {1, seq, order} admitted, or {0, seq, position} (1 = next).
const gateWalk = `
local function admit(mine, global, lease)
  local out = {}
  local active = redis.call('ZCARD', KEYS[3])
  local used = {}
  local function count(r)
    if used[r] == nil then used[r] = tonumber(redis.call('HGET', KEYS[5], r) or '0') end
    return used[r]
  end
  local q = redis.call('ZRANGE', KEYS[6], 0, -1, 'WITHSCORES')
  local pos = 0
  for i = 1, #q, 2 do
    if global > 0 and active >= global then break end
    local w, seq = q[i], tonumber(q[i + 1])
    pos = pos + 1
    local info = redis.call('HGET', KEYS[8], w)
    if info then
      local sep = string.find(info, ':', 1, true)
      local c, r = tonumber(string.sub(info, 1, sep - 1)), string.sub(info, sep + 1)
      local fits = c <= 0 or count(r) < c
      if fits then
        active = active + 1
        used[r] = count(r) + 1
      end
      if mine[w] then
        if fits then
          dropticket(w)
          takeslot(w, r, lease)
          redis.call('ZREM', KEYS[9], w)
          out[w] = {1, seq, redis.call('INCR', KEYS[2])}
        else
          out[w] = {0, seq, pos}
        end
      end
    end
  end
  for w in pairs(mine) do
    if not out[w] then
      local seq = redis.call('ZSCORE', KEYS[6], w)
      if seq then out[w] = {0, tonumber(seq), redis.call('ZRANK', KEYS[6], w) + 1} end
    end
  end
  return out
end
`

// arriveScript: ARGV callId, rule, ruleCap, global, lease ms, ticket ms. The call takes a
// ticket (seq = INCR seq, queued by seq) and is admitted at once if the walk lets it.
// → {1, seq, order} admitted; {0, seq, position} waiting; {-1} already holds a slot or waits.
var arriveScript = redis.NewScript(gatePrelude + gateWalk + `
local id = ARGV[1]
if redis.call('ZSCORE', KEYS[3], id) or redis.call('ZSCORE', KEYS[6], id) then return {-1, 0, 0} end
local seq = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[6], seq, id)
redis.call('HSET', KEYS[8], id, ARGV[3] .. ':' .. ARGV[2])
redis.call('ZADD', KEYS[7], now + tonumber(ARGV[6]), id)
local r = admit({[id] = true}, tonumber(ARGV[4]), tonumber(ARGV[5]))[id]
return r
`)

// pumpScript: ARGV global, lease ms, ticket ms, then the callIds of one replica's waiting
// calls. One look for all of them: the ones the walk admits take their slot, the others'
// tickets are extended. → per callId, in ARGV order, {code, seq, order|position}, code -3
// when the ticket is gone (it expired, or Redis lost its data).
var pumpScript = redis.NewScript(gatePrelude + gateWalk + `
local mine = {}
for i = 4, #ARGV do
  if redis.call('ZSCORE', KEYS[6], ARGV[i]) then mine[ARGV[i]] = true end
end
local res = admit(mine, tonumber(ARGV[1]), tonumber(ARGV[2]))
local out = {}
for i = 4, #ARGV do
  local r = res[ARGV[i]]
  if r then
    if r[1] == 0 then redis.call('ZADD', KEYS[7], now + tonumber(ARGV[3]), ARGV[i]) end
    table.insert(out, r[1]); table.insert(out, r[2]); table.insert(out, r[3])
  else
    table.insert(out, -3); table.insert(out, 0); table.insert(out, 0)
  end
end
return out
`)

// releaseScript: ARGV callId, channel, tombstone ms. Frees the call's slot or drops its
// ticket, and remembers the release for a while so that its owner's next renewal does not
// bring the slot back. → 1 if the call held a slot.
var releaseScript = redis.NewScript(gatePrelude + `
local had = dropslot(ARGV[1])
local waited = dropticket(ARGV[1])
redis.call('ZADD', KEYS[9], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[9], '-inf', now - tonumber(ARGV[3]))
if had == 1 or waited == 1 then redis.call('PUBLISH', ARGV[2], 'free') end
return had
`)

// renewScript: ARGV lease ms, then pairs (callId, rule) of this replica's held slots. A held
// slot is extended; one that was released (by any replica) is reported lost; one that is gone
// without a release (it expired while this replica could not reach Redis, or Redis lost its
// data) is taken again, over the cap if need be, because its call is still running.
// → {lost, restored}.
var renewScript = redis.NewScript(gatePrelude + `
local lease = tonumber(ARGV[1])
local lost, restored = {}, {}
for i = 2, #ARGV - 1, 2 do
  local id, rule = ARGV[i], ARGV[i + 1]
  if redis.call('ZSCORE', KEYS[3], id) then
    redis.call('ZADD', KEYS[3], 'XX', now + lease, id)
  elseif redis.call('ZSCORE', KEYS[9], id) then
    table.insert(lost, id)
  else
    takeslot(id, rule, lease)
    table.insert(restored, id)
  end
end
return {lost, restored}
`)

// statsScript → {slots held, calls waiting, {rule, count, …}} across every replica.
var statsScript = redis.NewScript(gatePrelude + `
return {redis.call('ZCARD', KEYS[3]), redis.call('ZCARD', KEYS[6]), redis.call('HGETALL', KEYS[5])}
`)
