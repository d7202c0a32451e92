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

// UnmarshalJSON reads the properties with any JSON number in their numeric fields.
func (p *RoomProperties) UnmarshalJSON(data []byte) error {
	type plain RoomProperties
	aux := struct {
		*plain
		Exp               wholeNumber `json:"exp"`
		Nbf               wholeNumber `json:"nbf"`
		EjectAfterElapsed wholeNumber `json:"eject_after_elapsed"`
		MaxParticipants   wholeNumber `json:"max_participants"`
	}{plain: (*plain)(p), Exp: wholeNumber(p.Exp), Nbf: wholeNumber(p.Nbf),
		EjectAfterElapsed: wholeNumber(p.EjectAfterElapsed), MaxParticipants: wholeNumber(p.MaxParticipants)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	p.Exp, p.Nbf, p.EjectAfterElapsed = int64(aux.Exp), int64(aux.Nbf), int64(aux.EjectAfterElapsed)
	p.MaxParticipants = int(aux.MaxParticipants)
	return nil
}

// UnmarshalJSON reads the properties and the read-only fields. It is needed because
// RoomProperties' UnmarshalJSON would otherwise be promoted and decode only the properties.
func (c *RoomConfig) UnmarshalJSON(data []byte) error {
	if err := c.RoomProperties.UnmarshalJSON(data); err != nil {
		return err
	}
	readOnly := struct {
		SIPURI     *SIPURI `json:"sip_uri"`
		DialinCode *string `json:"dialin_code"`
	}{SIPURI: c.SIPURI, DialinCode: &c.DialinCode}
	if err := json.Unmarshal(data, &readOnly); err != nil {
		return err
	}
	c.SIPURI = readOnly.SIPURI
	return nil
}

// UnmarshalJSON reads num_endpoints as any JSON number.
func (s *SIPProperties) UnmarshalJSON(data []byte) error {
	type plain SIPProperties
	aux := struct {
		*plain
		NumEndpoints wholeNumber `json:"num_endpoints"`
	}{plain: (*plain)(s), NumEndpoints: wholeNumber(s.NumEndpoints)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	s.NumEndpoints = int(aux.NumEndpoints)
	return nil
}

// UnmarshalJSON reads the token properties with any JSON number in exp, nbf and
// eject_after_elapsed.
func (p *MeetingTokenProperties) UnmarshalJSON(data []byte) error {
	type plain MeetingTokenProperties
	aux := struct {
		*plain
		Exp               wholeNumber `json:"exp"`
		Nbf               wholeNumber `json:"nbf"`
		EjectAfterElapsed wholeNumber `json:"eject_after_elapsed"`
	}{plain: (*plain)(p), Exp: wholeNumber(p.Exp), Nbf: wholeNumber(p.Nbf), EjectAfterElapsed: wholeNumber(p.EjectAfterElapsed)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	p.Exp, p.Nbf, p.EjectAfterElapsed = int64(aux.Exp), int64(aux.Nbf), int64(aux.EjectAfterElapsed)
	return nil
}

// UnmarshalJSON reads pagination_id as any JSON number.
func (n *PurchasedNumber) UnmarshalJSON(data []byte) error {
	type plain PurchasedNumber
	aux := struct {
		*plain
		PaginationID wholeNumber `json:"pagination_id"`
	}{plain: (*plain)(n), PaginationID: wholeNumber(n.PaginationID)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	n.PaginationID = int64(aux.PaginationID)
	return nil
}

// UnmarshalJSON reads failedCount as any JSON number.
func (w *Webhook) UnmarshalJSON(data []byte) error {
	type plain Webhook
	aux := struct {
		*plain
		FailedCount wholeNumber `json:"failedCount"`
	}{plain: (*plain)(w), FailedCount: wholeNumber(w.FailedCount)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	w.FailedCount = int(aux.FailedCount)
	return nil
}

// UnmarshalJSON reads total_count as any JSON number.
func (p *listPage[T]) UnmarshalJSON(data []byte) error {
	aux := struct {
		TotalCount wholeNumber `json:"total_count"`
		Data       *[]T        `json:"data"`
	}{TotalCount: wholeNumber(p.TotalCount), Data: &p.Data}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	p.TotalCount = int(aux.TotalCount)
	return nil
}
