package routes

import (
	"fmt"
	"strings"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// Explanation says which entry a call reaches and why; the CLI adds which serve rule the
// webhook would then hit.
type Explanation struct {
	To      string `json:"to"`             // the dialled number in E.164, or the SIP URI as given
	From    string `json:"from,omitempty"` // the caller, in E.164 when it parses, else as given
	BySIP   bool   `json:"by_sip"`         // To is a SIP address (an entry's sip_uri)
	Matched bool   `json:"matched"`
	Index   int    `json:"index"` // position of the entry in the array; -1 when none matched
	Key     string `json:"key,omitempty"`
	Webhook string `json:"webhook,omitempty"` // the entry's room_creation_api
	Reason  string `json:"reason"`

	Entry *daily.PinlessDialinEntry `json:"-"` // the matched entry (secrets included)
}

// Explain finds the entry a call to `to` reaches. A number matches an entry's phone_number
// after both are normalised to E.164 (so "+1 (415) 555-0100" and "14155550100" are the same);
// a SIP address ("sip:user@host" or "user@host") matches an entry's sip_uri, the user part
// exactly and the host without regard to case. Daily routes on To only, so from is reported
// but does not choose the entry. Invalid input is an error; no match is not.
func Explain(entries []daily.PinlessDialinEntry, to, from, defaultRegion string) (*Explanation, error) {
	x := &Explanation{Index: -1, From: strings.TrimSpace(from)}
	if x.From != "" {
		if n, err := phone.Normalize(x.From, defaultRegion); err == nil {
			x.From = n
		}
	}
	if user, host, ok := sipAddress(to); ok {
		x.To, x.BySIP = strings.TrimSpace(to), true
		for i, e := range entries {
			u, h, ok := sipAddress(e.SIPURI)
			if ok && u == user && strings.EqualFold(h, host) {
				x.match(i, e, fmt.Sprintf("its sip_uri is %s", e.SIPURI))
				return x, nil
			}
		}
		x.Reason = fmt.Sprintf("no entry has the sip_uri %s@%s (sip_uri is assigned by Daily; see `dialin routes list`)", user, host)
		return x, nil
	}
	n, err := phone.Normalize(to, defaultRegion)
	if err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	x.To = n
	for i, e := range entries {
		if e.PhoneNumber != "" && KeyOf(e).Number == n {
			how := "its phone_number is " + e.PhoneNumber
			if written := strings.TrimSpace(to); written != n {
				how += fmt.Sprintf(" (%q normalised to E.164 is %s)", written, n)
			}
			x.match(i, e, how)
			return x, nil
		}
	}
	x.Reason = fmt.Sprintf("no entry has the phone_number %s, so Daily routes no call to it through pinless dial-in", n)
	if len(entries) == 0 {
		x.Reason += " (the domain has no routes)"
	}
	return x, nil
}

func (x *Explanation) match(i int, e daily.PinlessDialinEntry, how string) {
	x.Matched, x.Index, x.Key, x.Webhook = true, i, KeyOf(e).String(), e.RoomCreationAPI
	entry := cloneEntry(e)
	x.Entry = &entry
	x.Reason = fmt.Sprintf("entry #%d matches: %s; Daily holds the call and POSTs it to %s", i+1, how, WebhookName(redactURL(e.RoomCreationAPI)))
	if e.NamePrefix != "" {
		x.Reason += fmt.Sprintf(" (name_prefix %s)", e.NamePrefix)
	}
}

// sipAddress splits "sip:user@host[:port][;params]" (scheme optional) into user and host.
func sipAddress(s string) (user, host string, ok bool) {
	s = strings.TrimSpace(s)
	lower := strings.ToLower(s)
	switch {
	case strings.HasPrefix(lower, "sip:"):
		s = s[4:]
	case strings.HasPrefix(lower, "sips:"):
		s = s[5:]
	}
	user, host, ok = strings.Cut(s, "@")
	if !ok || user == "" || host == "" {
		return "", "", false
	}
	if i := strings.IndexAny(host, ";?>"); i >= 0 {
		host = host[:i]
	}
	return user, host, true
}
