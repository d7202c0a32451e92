// Package redisstate shares serve's state between replicas through Redis (with
// github.com/redis/go-redis/v9): a callstore.Store (Store), a caps.Gate whose slots are
// leases (Gate), a pool.Store that makes one warm room pool of every replica's (PoolStore),
// and a Lease that lets one replica at a time do a job such as refilling that pool.
//
// Every atomic step is one Redis round trip: a Lua script (EVALSHA) or a single command.
// Times that matter across replicas (lease and ticket expiry) are Redis's own clock (TIME
// inside the scripts), so the replicas' clocks need not agree; a pooled room's retirement is
// the exception, tied to its exp at Daily (see PoolStore).
//
// # Keys
//
// Everything lives under a prefix (default "dialin:"), so several deployments can share one
// Redis database:
//
//	call:<callId>     hash {r: record JSON, room, patch}, TTL = record TTL
//	room:<room>       callId of the call patched into that room, same TTL
//	once:<key>        replay marks (SET NX PX)
//	gate:slots        zset callId → lease expiry (ms, Redis time)
//	gate:slotrule     hash callId → rule;  gate:rulecount hash rule → slots held
//	gate:queue        zset callId → arrival seq (from INCR gate:seq)
//	gate:qexp, gate:qinfo   ticket expiry, and "ruleCap:rule" of each waiting call
//	gate:released     zset callId → when it was released (so a late renewal does not revive it)
//	gate:seq, gate:order    counters; channel gate:free wakes waiting calls
//	lease:<name>      Lease holders (lease:pool-refill:<rule>: the replica refilling the pool)
//	pool:<rule>       zset room JSON → when it retires (ms, the pool's clock; see PoolStore)
//
// Scripts name keys they compute (a call's room, a room's call), so this needs one Redis
// (or a primary with replicas, e.g. under Sentinel), not Redis Cluster.
package redisstate
