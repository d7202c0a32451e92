// Package serve is the engine of `dialin serve`: the HTTP handler that receives Daily's
// pinless dial-in webhook, verifies it, and for each new call creates a SIP dial-in room and a
// meeting token and starts the call's bot, within caps, with metrics and logs.
//
// # Answering Daily fast
//
// The webhook handler does only local work before it answers: it reads the body (at most
// max_body_bytes), checks the HMAC against each route secret, matches the rules, and claims
// the callId in the call store (one in-memory map operation by default). It answers
// 200 {"status":"accepted","call_id":…} and only then creates the room and token and starts
// the bot. The one exception: a signature that matches no known secret makes serve re-read
// the route secrets from Daily, at most once a minute and for at most 3 s, so that a secret
// rotated by a route change is picked up without a restart.
//
// # Idempotency
//
// A call is handled by whoever claims its callId first; a repeated delivery (same callId, or
// the same signature and timestamp again) gets the first delivery's answer and starts
// nothing. Who patches the call (pinlessCallUpdate) is claimed once per call too, so with
// two SIP endpoints (two dialin.ready events) the call is patched once.
//
// # Output
//
// The engine prints nothing. It reports each step of each call as a typed Event to a Sink,
// logs through an injected *slog.Logger (keyed by call_id; never secrets, tokens or bodies),
// and counts in a private Prometheus registry. The command decides how to show them.
//
// # Seams
//
// RoomSource, TokenMinter, SecretSource, launch.Launcher, callstore.Store and caps.Gate are
// interfaces, so a warm room pool, local tokens, warm bots, or state shared by several
// replicas replace the defaults without touching the flow.
package serve
