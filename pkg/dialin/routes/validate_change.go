package routes

import (
	"errors"

	"github.com/dialin-project/dialin/pkg/daily"
)

// Validate checks the fields a change sets, on their own, with the rules of Validate: the
// CLI calls it on flag values before it sends any request. Rules that need the live routes
// (a required url on a new entry, a number in one entry only, ownership) are left to
// Validate on the merged array; so is everything about fields the change does not set.
func (c EntryChange) Validate(opts ValidateOptions) error {
	k, err := checkKey(c.Key)
	if err != nil {
		return &ValidationError{Entry: c.Key.String(), Rule: err.Error()}
	}
	e := daily.PinlessDialinEntry{PhoneNumber: k.Number}
	given := map[string]bool{}
	if k.IsSIP() {
		e.NamePrefix = k.SIPName
		given[FieldNamePrefix] = true
	} else {
		given[FieldPhoneNumber] = true
	}
	set := func(field string, dst *string, v *string) {
		if v != nil && *v != "" {
			*dst, given[field] = *v, true
		}
	}
	set(FieldURL, &e.RoomCreationAPI, c.URL)
	set(FieldNamePrefix, &e.NamePrefix, c.NamePrefix)
	set(FieldHMAC, &e.HMAC, c.HMAC)
	set(FieldHoldMusicURL, &e.HoldMusicURL, c.HoldMusicURL)
	if c.TimeoutMessage != nil && *c.TimeoutMessage != "" {
		e.TimeoutConfig, given[FieldTimeoutMessage] = &daily.TimeoutConfig{Message: *c.TimeoutMessage}, true
	}
	if c.URL != nil && *c.URL == "" {
		return &ValidationError{Entry: k.String(), Field: FieldURL, Rule: "cannot be empty: every entry needs the webhook Daily calls"}
	}
	opts.OwnedNumbers, opts.Only = nil, nil
	var errs []error
	for _, p := range checkEntry(e, opts) {
		if given[p[0]] {
			errs = append(errs, &ValidationError{Entry: k.String(), Field: p[0], Rule: p[1]})
		}
	}
	return errors.Join(errs...)
}
