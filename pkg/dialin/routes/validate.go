package routes

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/loopback"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// Limits dialin applies where Daily documents none.
const (
	MinHMACBytes         = 16  // a shorter secret is refused: it is guessable, not just short
	MaxTimeoutMessageLen = 500 // characters; the message is spoken to a caller on hold
	MaxNamePrefixLen     = 100
)

// ValidationError is one problem with one entry: which entry, which field, which rule. It
// never contains a secret. Validate joins several with errors.Join; use ValidationErrors to
// get them all, errors.As to get the first.
type ValidationError struct {
	Entry string // the entry's key ("+14155550100", "sip:sales") or its position
	Field string // a Field* name, empty for rules about the entry as a whole
	Rule  string // what is wrong, in words
}

func (e *ValidationError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("route %s: %s", e.Entry, e.Rule)
	}
	return fmt.Sprintf("route %s: %s: %s", e.Entry, e.Field, e.Rule)
}

// ValidationErrors lists every *ValidationError inside err (joined or wrapped).
func ValidationErrors(err error) []*ValidationError {
	var out []*ValidationError
	var walk func(error)
	walk = func(err error) {
		if ve, ok := err.(*ValidationError); ok {
			out = append(out, ve)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// ValidateOptions tune Validate.
type ValidateOptions struct {
	// AllowHTTP accepts http:// URLs whose host is loopback (localhost, 127.0.0.0/8, ::1),
	// for development against a local emulator. Other http URLs are always refused.
	AllowHTTP bool
	// OwnedNumbers holds the domain's purchased numbers in E.164; nil means not known, and
	// ownership is not checked.
	OwnedNumbers map[string]bool
	// Force accepts numbers the domain does not own (the caller should still warn).
	Force bool
	// Only limits the rules about single entries to these keys, so that a write of one entry
	// is not refused because of an entry someone else made; the one-entry-per-number rule
	// still looks at every entry but reports only clashes involving these keys. nil checks all.
	Only map[Key]bool
}

// Validate checks an array before it is written and returns nil or one *ValidationError per
// problem, joined. Rules (dialin's choices where Daily documents none are marked *):
//   - phone_number is E.164; a number appears in at most one entry; the domain owns it
//     (when OwnedNumbers is known, unless Force);
//   - an entry without a number (SIP interconnect) has a name_prefix, unique among them;
//   - room_creation_api is set and an absolute https URL (http only with AllowHTTP, loopback);
//   - hmac, when set, is standard base64 (padding included) of at least 16 bytes*;
//   - hold_music_url is an absolute https URL whose path ends in ".mp3"* (Daily plays only
//     MP3; the query string is not looked at);
//   - timeout_config.message is not blank and at most 500 characters*;
//   - name_prefix is at most 100 characters, without spaces or control characters* (it
//     becomes part of SIP addresses).
func Validate(entries []daily.PinlessDialinEntry, opts ValidateOptions) error {
	var errs []error
	add := func(entry, field, rule string) {
		errs = append(errs, &ValidationError{Entry: entry, Field: field, Rule: rule})
	}
	seen := map[Key]int{}
	for i, e := range entries {
		k := KeyOf(e)
		name := entryName(i, e)
		checked := opts.Only == nil || opts.Only[k]
		if first, dup := seen[k]; dup && (checked || opts.Only[KeyOf(entries[first])]) {
			if k.IsSIP() {
				add(name, FieldNamePrefix, fmt.Sprintf("another SIP entry (#%d) has the same name prefix", first+1))
			} else {
				add(name, FieldPhoneNumber, fmt.Sprintf("the number is already in entry #%d; a number can be in one entry only", first+1))
			}
		} else if !dup {
			seen[k] = i
		}
		if !checked {
			continue
		}
		for _, p := range checkEntry(e, opts) {
			add(name, p[0], p[1])
		}
	}
	return errors.Join(errs...)
}

// entryName names an entry in messages: its key, or its position when it has none.
func entryName(i int, e daily.PinlessDialinEntry) string {
	k := KeyOf(e)
	if k.Number == "" && k.SIPName == "" {
		return fmt.Sprintf("#%d", i+1)
	}
	return k.String()
}

// checkEntry returns the (field, rule) problems of one entry.
func checkEntry(e daily.PinlessDialinEntry, opts ValidateOptions) [][2]string {
	var out [][2]string
	add := func(field, rule string) { out = append(out, [2]string{field, rule}) }
	if e.PhoneNumber != "" {
		switch {
		case !phone.IsE164(e.PhoneNumber):
			add(FieldPhoneNumber, "not a valid E.164 number (expected like "+phone.Example+")")
		case opts.OwnedNumbers != nil && !opts.OwnedNumbers[e.PhoneNumber] && !opts.Force:
			add(FieldPhoneNumber, "the domain does not own this number (see `dialin numbers list`; --force to write it anyway)")
		}
	} else if e.NamePrefix == "" {
		add(FieldNamePrefix, "a SIP-interconnect entry (no phone_number) needs a name_prefix")
	}
	if e.RoomCreationAPI == "" {
		add(FieldURL, "required: the webhook Daily calls for each incoming call")
	} else if rule := checkURL(e.RoomCreationAPI, opts.AllowHTTP); rule != "" {
		add(FieldURL, rule)
	}
	if e.HMAC != "" {
		if rule := checkHMAC(e.HMAC); rule != "" {
			add(FieldHMAC, rule)
		}
	}
	if e.HoldMusicURL != "" {
		if rule := checkURL(e.HoldMusicURL, opts.AllowHTTP); rule != "" {
			add(FieldHoldMusicURL, rule)
		} else if u, _ := url.Parse(e.HoldMusicURL); !strings.HasSuffix(strings.ToLower(u.Path), ".mp3") {
			add(FieldHoldMusicURL, "must be an MP3 file (a URL whose path ends in .mp3)")
		}
	}
	if e.TimeoutConfig != nil {
		m := e.TimeoutConfig.Message
		switch {
		case strings.TrimSpace(m) == "":
			add(FieldTimeoutMessage, "must not be blank (leave timeout_config out for Daily's default message)")
		case utf8.RuneCountInString(m) > MaxTimeoutMessageLen:
			add(FieldTimeoutMessage, fmt.Sprintf("longer than %d characters", MaxTimeoutMessageLen))
		case strings.IndexFunc(m, func(r rune) bool { return unicode.IsControl(r) && r != '\n' }) >= 0:
			add(FieldTimeoutMessage, "must not contain control characters")
		}
	}
	if e.NamePrefix != "" {
		switch {
		case utf8.RuneCountInString(e.NamePrefix) > MaxNamePrefixLen:
			add(FieldNamePrefix, fmt.Sprintf("longer than %d characters", MaxNamePrefixLen))
		case strings.IndexFunc(e.NamePrefix, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0:
			add(FieldNamePrefix, "must not contain spaces or control characters (it becomes part of SIP addresses)")
		}
	}
	return out
}

// CheckWebhookURL returns why raw is not an acceptable URL for Daily to call (a route's
// webhook, a /webhooks subscription, a tunnel's base URL), or "": absolute https, or http
// for a loopback host with allowHTTP. The value is quoted with any password masked.
func CheckWebhookURL(raw string, allowHTTP bool) string { return checkURL(raw, allowHTTP) }

// checkURL returns why raw is not an acceptable webhook or media URL, or "".
func checkURL(raw string, allowHTTP bool) string {
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" {
		return fmt.Sprintf("must be an absolute https URL (got %q)", redactURL(raw))
	}
	switch u.Scheme {
	case "https":
		return ""
	case "http":
		if !allowHTTP {
			return "must use https (--allow-http accepts http for loopback hosts)"
		}
		if !loopback.Host(u.Hostname()) {
			return "http is allowed for loopback hosts only (localhost, 127.0.0.1, ::1)"
		}
		return ""
	default:
		return fmt.Sprintf("must be an absolute https URL (got scheme %q)", u.Scheme)
	}
}

// checkHMAC returns why a secret is unusable, without quoting it.
func checkHMAC(s string) string {
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return "not valid base64 (standard alphabet, with = padding); `dialin routes set --generate-hmac` makes one"
	}
	if len(b) < MinHMACBytes {
		return fmt.Sprintf("decodes to %d bytes; use at least %d random bytes", len(b), MinHMACBytes)
	}
	return ""
}
