// Package bench is the engine of `dialin bench`: it measures how long a caller waits on hold
// with three ways of answering Daily's dial-in webhook, side by side, in one run on loopback.
//
// For each system it starts a fresh in-process emulator (pkg/daily/dailytest) with an added
// latency per Daily request, points a pinless route at the system, and drives the same load
// — a steady rate of calls, then a burst of simultaneous calls — with the same stand-in bot
// (`dialin standin-bot --startup-delay …`, a real process that joins the room and patches the
// call when its SIP endpoint is ready). The systems:
//
//   - "serve": `dialin serve` with its default flags (tokens signed locally once Daily
//     accepts one, a warm room pool per rule sized by the call rate, a bot process started per
//     call with the seed's arguments), as a separate process;
//   - "serve-rest": the same with --tokens rest --warm-rooms 0, serve's old default (a room
//     and a token over REST per call, while the caller waits);
//   - "serve-warm": `dialin serve --tokens local --warm-rooms N --warm-bots M`, the bot
//     reading its call on stdin;
//   - "seed-runner": the Python bot runner of Pipecat's 2024 dial-in example (embedded, see
//     pyrunner; Config.SeedRunner names another) under /usr/bin/python3, the bot started per
//     call with -u -t -i -d -s.
//
// With Config.Replicas > 1 (and Config.State, a Redis they share), serve, serve-rest and
// serve-warm run as that many `dialin serve --state …` processes behind a round-robin
// reverse proxy on loopback (the route has one URL, as behind a real load balancer); their
// CPU and peak memory are summed, and each replica's dialin_serve_state_round_trips_total gives the
// shared state's cost per call.
//
// Every figure comes from the emulator's timeline of each call (received, bot_started,
// connected), its request log, and /proc for the system's CPU time and peak memory.
package bench
