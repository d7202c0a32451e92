// Package daily is a client for the parts of Daily's (daily.co) REST API that telephony needs:
// the domain and its pinless_dialin routes, /domain-dialin-config, phone numbers, SIP rooms,
// meeting tokens, pinlessCallUpdate and /webhooks.
//
// It knows nothing of terminals or flags: every call takes a context, the client takes an
// *http.Client, a base URL and a logger. Errors from Daily are *APIError. Requests are rate
// limited on the client side at Daily's published limits, and when the budget is spent the
// waiting requests go by the Priority of their context (WithPriority: patches, then calls,
// then refills, then housekeeping); 429 is retried on any method, 5xx and
// connection errors only on idempotent requests, and a purchase is never retried blindly.
// Writes of the routes (pinless_dialin through POST /, and /domain-dialin-config creates,
// updates and deletes) are sent exactly once: re-sending an array computed before a wait
// would undo whatever another writer did meanwhile, so the caller retries after re-reading
// (pkg/dialin/routes.Writer), with Retry-After from APIError.RetryAfter.
//
// Where Daily's documentation is unsure of a shape (its pages and its SDKs disagree on some
// fields), the decoders here accept every documented shape. Numeric fields (exp, nbf,
// eject_after_elapsed, max_participants, num_endpoints, pagination_id, …) stay Go integers
// but decode from any JSON number, as Daily echoes what it was sent: 1796595609,
// 1796595609.0, and Pipecat's fractional 1796595609.6178238, rounded down to 1796595609.
package daily
