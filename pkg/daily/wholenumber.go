package daily

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Daily's numeric properties are whole numbers in its docs (exp, nbf, eject_after_elapsed,
// max_participants, num_endpoints, …), but its API takes any JSON number and echoes what it
// was sent: Pipecat creates rooms with "exp": time.time() + 3600 (1796595609.6178238), and
// JavaScript or Python code writes 1796595609.0. The client keeps these fields as Go
// integers and reads every spelling of a number into them: 5, 5.0, 5e0, and a fraction
// rounded down (1796595609.6178238 is 1796595609, the last whole second before it).

// wholeNumber is one such field while it is decoded.
type wholeNumber int64

// UnmarshalJSON reads any JSON number; null leaves the value as it was.
func (w *wholeNumber) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if string(data) == "null" {
		return nil
	}
	if n, err := strconv.ParseInt(string(data), 10, 64); err == nil {
		*w = wholeNumber(n)
		return nil
	}
	var f float64
	if len(data) == 0 || data[0] == '"' || json.Unmarshal(data, &f) != nil {
		return fmt.Errorf("%s is not a number", data)
	}
	f = math.Floor(f)
	if f < math.MinInt64 || f >= math.MaxInt64 {
		return fmt.Errorf("%s is out of range", data)
	}
	*w = wholeNumber(f)
	return nil
}

// unmarshalWholeNumbers decodes data into plain, a pointer to the struct converted to a type
// without this UnmarshalJSON, except for the fields in nums (JSON name → *int or *int64),
// which it reads with any JSON number. An absent or null number leaves its field as it was.
func unmarshalWholeNumbers(data []byte, plain any, nums map[string]any) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return err
	}
	for name, dst := range nums {
		raw, ok := fields[name]
		if !ok {
			continue
		}
		delete(fields, name)
		if string(bytes.TrimSpace(raw)) == "null" {
			continue
		}
		var n wholeNumber
		if err := n.UnmarshalJSON(raw); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		switch d := dst.(type) {
		case *int64:
			*d = int64(n)
		case *int:
			*d = int(n)
		}
	}
	rest, err := json.Marshal(fields)
	if err != nil {
		return err
	}
	return json.Unmarshal(rest, plain)
}

// UnmarshalJSON reads the properties with any JSON number in their numeric fields.
func (p *RoomProperties) UnmarshalJSON(data []byte) error {
	type plain RoomProperties
	return unmarshalWholeNumbers(data, (*plain)(p), map[string]any{
		"exp": &p.Exp, "nbf": &p.Nbf, "eject_after_elapsed": &p.EjectAfterElapsed, "max_participants": &p.MaxParticipants})
}

// UnmarshalJSON reads the properties and the read-only fields. It is needed because
// RoomProperties' UnmarshalJSON would otherwise be promoted and decode only the properties.
func (c *RoomConfig) UnmarshalJSON(data []byte) error {
	if err := c.RoomProperties.UnmarshalJSON(data); err != nil {
		return err
	}
	readOnly := struct {
		SIPURI     **SIPURI `json:"sip_uri"`
		DialinCode *string  `json:"dialin_code"`
	}{SIPURI: &c.SIPURI, DialinCode: &c.DialinCode}
	return json.Unmarshal(data, &readOnly)
}

// UnmarshalJSON reads num_endpoints as any JSON number.
func (s *SIPProperties) UnmarshalJSON(data []byte) error {
	type plain SIPProperties
	return unmarshalWholeNumbers(data, (*plain)(s), map[string]any{"num_endpoints": &s.NumEndpoints})
}

// UnmarshalJSON reads exp, nbf and eject_after_elapsed as any JSON number.
func (p *MeetingTokenProperties) UnmarshalJSON(data []byte) error {
	type plain MeetingTokenProperties
	return unmarshalWholeNumbers(data, (*plain)(p), map[string]any{
		"exp": &p.Exp, "nbf": &p.Nbf, "eject_after_elapsed": &p.EjectAfterElapsed})
}

// UnmarshalJSON reads pagination_id as any JSON number.
func (n *PurchasedNumber) UnmarshalJSON(data []byte) error {
	type plain PurchasedNumber
	return unmarshalWholeNumbers(data, (*plain)(n), map[string]any{"pagination_id": &n.PaginationID})
}

// UnmarshalJSON reads failedCount as any JSON number.
func (w *Webhook) UnmarshalJSON(data []byte) error {
	type plain Webhook
	return unmarshalWholeNumbers(data, (*plain)(w), map[string]any{"failedCount": &w.FailedCount})
}

// UnmarshalJSON reads total_count as any JSON number.
func (p *listPage[T]) UnmarshalJSON(data []byte) error {
	rest := struct {
		Data *[]T `json:"data"`
	}{Data: &p.Data}
	return unmarshalWholeNumbers(data, &rest, map[string]any{"total_count": &p.TotalCount})
}
