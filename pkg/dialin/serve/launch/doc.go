// Package launch starts the bot that answers a call. A Launcher takes a CallInfo (room URL,
// meeting token, callId, callDomain, SIP URI, From, To, SIP headers) and either starts a
// process or hands the call to a bot runner over HTTP.
//
// The process launcher never uses a shell: the command line is split into arguments once, at
// start-up (Split), and placeholders such as {room_url} are replaced inside each argument, so
// a caller's From of `$(reboot)` reaches the bot as that literal text in one argument. The
// same values reach the bot in DIALIN_* environment variables and as one JSON line on stdin
// (the contract a warm bot that waits for its call also reads).
package launch
