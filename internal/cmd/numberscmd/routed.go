package numberscmd

import (
	"fmt"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/numbers"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// numberRoute is the dial-in entry that uses a number (pkg/dialin/numbers).
type numberRoute = numbers.Route

// routeSummary is the ROUTE cell: the webhook and the name prefix.
func routeSummary(r *numberRoute) string {
	switch {
	case r == nil:
		return "-"
	case r.Type == numbers.RoutePin:
		return "PIN dial-in"
	case r.NamePrefix != "":
		return fmt.Sprintf("%s (%s)", routes.WebhookName(r.RoomCreationAPI), r.NamePrefix)
	}
	return routes.WebhookName(r.RoomCreationAPI)
}

// formatTime is a time for people: minutes, UTC.
func formatTime(t time.Time) string {
	return t.UTC().Format("2006-01-02 15:04 MST")
}
