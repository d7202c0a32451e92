// Package dailytest is a stateful, in-memory emulator of the parts of Daily's (daily.co) REST
// API that dialin uses: phone numbers, the domain's pinless_dialin / pin_dialin arrays,
// /domain-dialin-config, rooms with SIP, meeting tokens, pinlessCallUpdate and /webhooks.
//
// Beyond Daily's API it simulates incoming calls: PlaceCall holds a call and POSTs the signed
// dial-in webhook to the route; a participant joining a room (an /_emulator endpoint a
// stand-in bot calls) makes its SIP endpoints ready and emits dialin.ready; pinlessCallUpdate
// connects the call only when the target endpoint is ready; every call keeps a timeline.
//
// It is the test double for every dialin test, the backend of `dialin demo` and of
// `dialin emulator`. It implements Daily's wire format on its own (it does not import the
// client package), so a client bug cannot hide behind a shared struct.
//
// The emulator never leaves the machine: verification and webhook POSTs go only to loopback
// hosts (localhost, 127.0.0.0/8, ::1); any other target is recorded as skipped.
//
// Where Daily's behaviour is unconfirmed, the emulator picks one documented choice; README.md
// in this directory lists every such decision and the /_emulator control endpoints, which
// programs out of process reach through package control (in this directory).
package dailytest
