package rooms

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// RoomJSON is what --json prints for a room: Daily's room object as is, plus sip_endpoints,
// every SIP endpoint with the "sip:" prefix, because Daily's examples disagree on whether
// config.sip_uri.endpoint carries it.
type RoomJSON struct {
	daily.Room
	SIPEndpoints []string `json:"sip_endpoints"`
}

func roomJSON(r daily.Room) RoomJSON {
	return RoomJSON{Room: r, SIPEndpoints: sipEndpoints(r)}
}

// sipEndpoints lists a room's SIP URIs, normalised; empty (not nil) for a room without SIP.
func sipEndpoints(r daily.Room) []string {
	if r.Config.SIPURI == nil {
		return []string{}
	}
	return r.Config.SIPURI.Endpoints()
}

// createdAt parses Daily's created_at (RFC 3339, often with milliseconds).
func createdAt(r daily.Room) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, r.CreatedAt)
	return t, err == nil
}

// rowTSV is the piped form of a room, one line: NAME URL SIP CREATED EXP, with every SIP
// endpoint comma-separated and times in RFC 3339 (UTC); no expiry is an empty cell.
func rowTSV(r daily.Room) []string {
	created := r.CreatedAt
	if t, ok := createdAt(r); ok {
		created = t.UTC().Format(time.RFC3339)
	}
	exp := ""
	if r.Config.Exp != 0 {
		exp = time.Unix(r.Config.Exp, 0).UTC().Format(time.RFC3339)
	}
	return []string{r.Name, r.URL, strings.Join(sipEndpoints(r), ","), created, exp}
}

// rowTerminal is the same row for people: the first SIP endpoint (and how many more), times
// relative to now.
func rowTerminal(r daily.Room, now time.Time, cs *output.ColorScheme) []string {
	sip := ""
	if eps := sipEndpoints(r); len(eps) > 0 {
		sip = eps[0]
		if len(eps) > 1 {
			sip += cs.Gray(fmt.Sprintf(" (+%d)", len(eps)-1))
		}
	}
	created := r.CreatedAt
	if t, ok := createdAt(r); ok {
		created = ago(now, t)
	}
	return []string{cs.Bold(r.Name), r.URL, sip, created, expiresIn(now, r.Config.Exp, cs)}
}

// renderRows writes rooms as a table (terminal) or TSV (piped).
func renderRows(ios *iostreams.IOStreams, rooms []daily.Room, now time.Time) error {
	t := output.NewTable(ios, "name", "url", "sip", "created", "exp")
	cs := output.NewColorScheme(ios)
	for _, r := range rooms {
		if ios.IsStdoutTTY() {
			t.Row(rowTerminal(r, now, cs)...)
		} else {
			t.Row(rowTSV(r)...)
		}
	}
	return t.Render()
}

// printRoom writes one room: labelled lines on a terminal, the TSV row when piped.
func printRoom(ios *iostreams.IOStreams, r daily.Room, now time.Time) error {
	if !ios.IsStdoutTTY() {
		return renderRows(ios, []daily.Room{r}, now)
	}
	cs := output.NewColorScheme(ios)
	w := ios.Out
	line := func(label, value string) { fmt.Fprintf(w, "%-14s%s\n", label+":", value) }
	line("Name", cs.Bold(r.Name))
	line("URL", cs.Cyan(r.URL))
	for i, ep := range sipEndpoints(r) {
		label := "SIP URI:"
		if i > 0 {
			label = "" // extra endpoints line up under the first
		}
		fmt.Fprintf(w, "%-14s%s\n", label, cs.Cyan(ep))
	}
	if s := r.Config.SIP; s != nil {
		media := "audio only"
		if s.Video {
			media = "audio and video"
		}
		line("Display name", s.DisplayName)
		line("SIP", fmt.Sprintf("%s, %s", s.SIPMode, media))
	}
	line("Privacy", r.Privacy)
	if t, ok := createdAt(r); ok {
		line("Created", t.UTC().Format(time.RFC3339)+cs.Gray(" ("+ago(now, t)+")"))
	}
	if r.Config.Exp != 0 {
		exp := time.Unix(r.Config.Exp, 0)
		note := "in " + roughly(exp.Sub(now))
		if !exp.After(now) {
			note = "expired"
		}
		eject := ""
		if r.Config.EjectAtRoomExp {
			eject = ", participants ejected then"
		}
		line("Expires", exp.UTC().Format(time.RFC3339)+cs.Gray(" ("+note+eject+")"))
	} else {
		line("Expires", "never")
	}
	return nil
}

func expiresIn(now time.Time, exp int64, cs *output.ColorScheme) string {
	if exp == 0 {
		return cs.Gray("never")
	}
	t := time.Unix(exp, 0)
	if !t.After(now) {
		return cs.Yellow("expired")
	}
	return "in " + roughly(t.Sub(now))
}

func ago(now, t time.Time) string {
	if d := now.Sub(t); d > 0 {
		return roughly(d) + " ago"
	}
	return "just now"
}

// roughly is a duration as people read it: 45s, 12m, 3h, 3h20m, 9d.
func roughly(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		h, m := int(d.Hours()), int(d.Minutes())%60
		if m == 0 {
			return fmt.Sprintf("%dh", h)
		}
		return fmt.Sprintf("%dh%dm", h, m)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

// writeNames prints one room name per line (-q).
func writeNames(w io.Writer, rooms []daily.Room) error {
	var b strings.Builder
	for _, r := range rooms {
		b.WriteString(r.Name + "\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
