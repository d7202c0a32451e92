// Package pool is a warm room pool for `dialin serve`: a serve.RoomSource that keeps, for
// each rule with a pool, SIP dial-in rooms created ahead, so that a call takes its room
// without a request to Daily.
//
// The pool's size is fixed (pool.rooms: N) or follows the rule's call rate (pool.rooms:
// auto, the default): the calls that asked the pool for a room, as a rate that decays with
// a 5 s time constant, times twice the time a refill takes to replace a room (its request's
// latency plus 1/refill_per_second, at least 1 s), so about 2 s of calls; never below
// pool.min_rooms, and never above what the refill can replace before the rooms retire
// (refill_per_second × (room_lifetime/2 − 5 s), at most 1000). When calls slow down, the
// rooms beyond the new size are handed out first and not replaced, or retire unused. With a
// shared Store, the size follows the calls of the replica that holds the refill lease.
//
// Rules of the pool:
//
//   - A room is handed out once: it leaves the pool's Store atomically before it is returned.
//   - Rooms are created in the background at the rule's refill_per_second, and every room
//     creation of serve — refills and rooms made on demand — draws from one token bucket
//     at Daily's published rate (NewLimiter), so a burst never goes over Daily's limit.
//     Calls come first: a refill takes only a token that is free at once, while a call
//     that needs a room on demand waits for the next one.
//   - A pool that is empty falls back to creating the room on demand (a miss).
//   - A pooled room's exp is its room_lifetime plus the rule's room exp, so a call always
//     gets at least the room exp it would get from a room made for it. A room older than
//     room_lifetime is never handed out; it is deleted, and its replacement is created
//     ahead of time (as rooms near the end of their lifetime) so the pool stays full.
//   - A failed refill (a 429 that outlasted the client's retries, a 5xx) backs off
//     exponentially, from 1 s to 1 min, and the pool refills once Daily answers again.
//
// The rooms live in a Store: this process's memory by default (MemoryStore), or a store that
// several serve replicas share (redisstate.PoolStore), which makes one pool of them all.
// With a shared Store, Config.RefillLease makes one replica at a time refill it (the
// holder of a lease that it renews while refilling; another replica takes over within the
// lease's TTL if the holder dies), so that the replicas together stay within Daily's rate
// limits; every replica takes rooms from it and deletes the retired rooms it finds.
//
// Pooled rooms are created before the caller is known, so their SIP display_name is
// "dial-in" rather than the caller's number; a room made on demand still gets From.
// Rooms left in the pool when serve stops are not deleted: they expire with their exp.
//
// Metrics (dialin_serve_ namespace, label rule): room_pool_size, room_pool_target,
// room_pool_hits_total, room_pool_misses_total, room_pool_retired_total and
// room_pool_create_errors_total.
package pool
