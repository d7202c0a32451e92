package dailytest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// releaseLock is how long after purchase Daily refuses to release a number.
const releaseLock = 14 * 24 * time.Hour

// purchasedNumber is a number the domain owns, in the shape of GET /purchased-phone-numbers.
type purchasedNumber struct {
	Name         string `json:"name"`
	Type         string `json:"type"`
	ID           string `json:"id"`
	PaginationID int64  `json:"pagination_id"`
	CreatedDate  string `json:"created_date"`
	Number       string `json:"number"`
	Status       string `json:"status"`
	Verified     bool   `json:"verified"`

	created time.Time
}

// addPurchased records a purchase. Caller holds s.mu.
func (st *state) addPurchased(number string, at time.Time) *purchasedNumber {
	p := &purchasedNumber{
		Type: "purchased_phone_number", ID: newUUID(), PaginationID: st.nextPagID,
		CreatedDate: isoTime(at), Number: number, Status: "verified", Verified: true, created: at.UTC(),
	}
	st.nextPagID++
	st.purchased = append(st.purchased, p)
	return p
}

// purchasedByNumber finds an owned number. Caller holds s.mu.
func (st *state) purchasedByNumber(number string) *purchasedNumber {
	for _, p := range st.purchased {
		if p.Number == number {
			return p
		}
	}
	return nil
}

// buyError is the 422 body the generated spec declares for POST /buy-phone-number.
func buyError(code, format string, args ...any) *apiError {
	detail := fmt.Sprintf(format, args...)
	return &apiError{status: http.StatusUnprocessableEntity, kind: "invalid-request-error", info: detail,
		body: map[string]any{
			"errors": []map[string]string{{"detail": detail, "status": "422", "title": "Unprocessable Entity", "code": code}},
			"status": http.StatusUnprocessableEntity,
		}}
}

// buyPhoneNumber is POST /buy-phone-number: a named number from the inventory, or a random one
// (California first) when the body has no number.
func (s *Server) buyPhoneNumber(r *http.Request, _ []string) (any, *apiError) {
	body, e := readObject(r)
	if e != nil {
		return nil, e
	}
	num, given, e := body.str("number")
	if e != nil {
		return nil, buyError("invalid_number", "number must be a string in E.164 format")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if given {
		switch {
		case !validE164(num):
			return nil, buyError("invalid_number", "number %q is not in E.164 format (e.g. +14155550123)", num)
		case s.purchasedByNumber(num) != nil:
			return nil, buyError("number_unavailable", "%s is already purchased by this domain", num)
		case !s.takeFromInventory(num):
			return nil, buyError("number_unavailable", "%s is not available for purchase", num)
		}
	} else {
		num = s.randomPoolNumber()
		if num == "" {
			return nil, buyError("number_unavailable", "no numbers are available for purchase")
		}
		s.takeFromInventory(num)
	}
	p := s.addPurchased(num, s.now())
	return map[string]string{"id": p.ID, "number": p.Number}, nil
}

// randomPoolNumber picks a California number when there is one, else any. Caller holds s.mu.
func (s *Server) randomPoolNumber() string {
	var ca []string
	for _, a := range s.inventory {
		if a.region == "CA" {
			ca = append(ca, a.number)
		}
	}
	switch {
	case len(ca) > 0:
		return ca[s.rnd.IntN(len(ca))]
	case len(s.inventory) > 0:
		return s.inventory[s.rnd.IntN(len(s.inventory))].number
	}
	return ""
}

// listPurchasedNumbers is GET /purchased-phone-numbers: newest first, at most 50 per page,
// paged on pagination_id; filter_number and filter_name match substrings.
func (s *Server) listPurchasedNumbers(r *http.Request, _ []string) (any, *apiError) {
	q := r.URL.Query()
	pg, e := parsePage(q, 50)
	if e != nil {
		return nil, e
	}
	fNumber, fName := strings.TrimSpace(q.Get("filter_number")), strings.ToLower(q.Get("filter_name"))
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []*purchasedNumber
	for _, p := range s.purchased {
		if strings.Contains(p.Number, fNumber) && strings.Contains(strings.ToLower(p.Name), fName) {
			all = append(all, p)
		}
	}
	sortNewestFirst(all, func(p *purchasedNumber) (time.Time, int64) { return p.created, p.PaginationID })
	page, e := paginate(all, func(p *purchasedNumber) string { return strconv.FormatInt(p.PaginationID, 10) }, pg)
	if e != nil {
		return nil, e
	}
	data := make([]purchasedNumber, len(page))
	for i, p := range page {
		data[i] = *p
	}
	return map[string]any{"total_count": len(all), "data": data}, nil
}

// releasePhoneNumber is DELETE /release-phone-number/:id. A number bought less than 14 days
// ago (by the server clock) is refused. A number still used by a dial-in config is released
// anyway: the config stays, and calls to it can no longer arrive.
func (s *Server) releasePhoneNumber(_ *http.Request, p []string) (any, *apiError) {
	id := p[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, n := range s.purchased {
		if n.ID != id {
			continue
		}
		if age := s.now().Sub(n.created); age < releaseLock {
			return nil, badRequest("phone number %s was purchased on %s and cannot be released within 14 days of purchase; it can be released from %s",
				n.Number, isoTime(n.created), isoTime(n.created.Add(releaseLock)))
		}
		s.purchased = append(s.purchased[:i:i], s.purchased[i+1:]...)
		return map[string]string{"status": "ok"}, nil
	}
	return nil, notFound("phone number %s not found", id)
}

// SeedPurchased records number as bought at purchasedAt (taking it out of the inventory if it is
// there) and returns its id; an already owned number returns its existing id. It panics on a
// number that is not E.164, since that is a mistake in the test.
func (s *Server) SeedPurchased(number string, purchasedAt time.Time) string {
	if !validE164(number) {
		panic(fmt.Sprintf("dailytest: SeedPurchased: %q is not an E.164 number", number))
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.purchasedByNumber(number); p != nil {
		return p.ID
	}
	s.takeFromInventory(number)
	return s.addPurchased(number, purchasedAt).ID
}
