// Package pipecat holds stand-ins for Pipecat as it takes Daily dial-in calls today:
// Pipecat's development runner (`python bot.py -t daily --dialin`, with POST /start and
// POST /daily-dialin-webhook) and Pipecat Cloud's public API (POST /v1/public/{agent}/start
// with a Bearer key and a pool of sessions, and the hosted dial-in webhook). They create
// rooms in the dailytest emulator exactly as Pipecat does (a fractional exp), and their bots
// are internal/standin's: they join the room, wait for a SIP endpoint and patch the call
// with the key and URL from their DailyDialinRequest body. They talk only to an emulator on
// a loopback address.
package pipecat
