package cmdutil

import (
	"errors"
	"net/http"
	"strings"

	"github.com/dialin-project/dialin/pkg/daily"
)

// HintNumberUnavailable is the advice for a number that cannot be bought.
const HintNumberUnavailable = "the number is not available: find one that is with `dialin numbers search`, or let Daily pick one with `dialin numbers buy --random`"

// apiHints says what to do after Daily refuses a request, by the request's path and the
// kind of refusal. It is the one table of such advice: the error printer uses it for every
// command, and commands that print several failures (numbers buy) use it for each.
var apiHints = []struct {
	method, pathPrefix string
	notFound           bool // only for 404 / not-found; otherwise for any other 4xx
	hint               string
}{
	{http.MethodPost, "/buy-phone-number", false, HintNumberUnavailable},
	{http.MethodDelete, "/release-phone-number/", true, "no purchased number has that id: see the ids with `dialin numbers list`"},
	{"", "/rooms/", true, "no room has that name: see the rooms with `dialin rooms list`"},
	{"", "/domain-dialin-config/", true, "no dial-in config has that id: see the routes with `dialin routes list`"},
}

// APIHint is the advice for an error from Daily, or "" when there is none beyond the
// message: key and rate-limit refusals, wrong names and ids, unavailable numbers, Daily's
// own failures.
func APIHint(err error) string {
	var e *daily.APIError
	if !errors.As(err, &e) {
		return ""
	}
	switch {
	case daily.IsAuth(err):
		return "the API key was refused: run `dialin auth login` or set DAILY_API_KEY to a valid key"
	case daily.IsRateLimited(err):
		return "Daily's rate limit was hit and the retries ran out; wait a minute and try again"
	case daily.IsPlanRequired(err):
		return "this needs a paid Daily account: add a payment method in Daily's dashboard"
	case e.Status >= 500:
		return "Daily failed to answer; try again in a minute"
	}
	for _, h := range apiHints {
		if (h.method != "" && h.method != e.Method) || !strings.HasPrefix(e.Path, h.pathPrefix) {
			continue
		}
		if h.notFound == daily.IsNotFound(err) {
			return h.hint
		}
	}
	return ""
}
