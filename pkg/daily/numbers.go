package daily

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// PurchasedNumberQuery filters GET /purchased-phone-numbers. PageSize is the page size
// (Daily's maximum may be 50), not a cap on the results.
type PurchasedNumberQuery struct {
	FilterNumber string
	FilterName   string
	PageSize     int
}

// Validate checks Daily's filter rules for GET /list-available-numbers
// (https://docs.daily.co/reference/rest-api/phone-numbers/list-available).
func (s NumberSearch) Validate() error {
	if s.AreaCode != "" && !isDigits(s.AreaCode, 3, 3) {
		return errors.New("areacode: must be 3 digits")
	}
	if s.Region != "" && (len(s.Region) != 2 || !isLetters(s.Region)) {
		return errors.New("region: must be a 2-letter region code such as CA")
	}
	for _, f := range []struct{ name, v string }{{"contains", s.Contains}, {"starts_with", s.StartsWith}, {"ends_with", s.EndsWith}} {
		if f.v != "" && !isDigits(f.v, 3, 7) {
			return fmt.Errorf("%s: must be 3 to 7 digits", f.name)
		}
	}
	switch {
	case s.AreaCode != "" && s.Region != "":
		return errors.New("region: cannot be combined with areacode")
	case s.City != "" && s.Region == "":
		return errors.New("city: requires region")
	case s.City != "" && (s.AreaCode != "" || s.Contains != "" || s.StartsWith != "" || s.EndsWith != ""):
		return errors.New("city: cannot be combined with areacode, contains, starts_with or ends_with")
	case s.StartsWith != "" && (s.Contains != "" || s.EndsWith != ""):
		return errors.New("starts_with: cannot be combined with contains or ends_with")
	case s.EndsWith != "" && s.Contains != "":
		return errors.New("ends_with: cannot be combined with contains")
	}
	return nil
}

func isDigits(s string, minLen, maxLen int) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

func isLetters(s string) bool {
	return strings.Trim(strings.ToUpper(s), "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// SearchNumbers lists purchasable numbers (GET /list-available-numbers, one page). Only the
// non-empty filters are sent, after checking Daily's rules.
func (c *Client) SearchNumbers(ctx context.Context, s NumberSearch) ([]AvailableNumber, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	q := url.Values{}
	setIf(q, "areacode", s.AreaCode)
	setIf(q, "region", s.Region)
	setIf(q, "city", s.City)
	setIf(q, "contains", s.Contains)
	setIf(q, "starts_with", s.StartsWith)
	setIf(q, "ends_with", s.EndsWith)
	var page listPage[AvailableNumber]
	if err := c.do(ctx, http.MethodGet, "/list-available-numbers", q, nil, &page); err != nil {
		return nil, err
	}
	return page.Data, nil
}

// BuyNumber buys number, or a random number when number is "" (POST /buy-phone-number).
// A purchase is never retried on a 5xx or a lost answer: for a named number the purchased
// numbers are checked, and the number is returned if it was bought after all; otherwise the
// error is a *PurchaseUncertainError saying what is known.
func (c *Client) BuyNumber(ctx context.Context, number string) (*PurchasedNumber, error) {
	number = strings.TrimSpace(number)
	body := map[string]string{}
	if number != "" {
		body["number"] = number
	}
	var p PurchasedNumber
	err := c.do(ctx, http.MethodPost, "/buy-phone-number", nil, body, &p)
	if err == nil {
		return &p, nil
	}
	if !mayHaveTakenEffect(err) {
		return nil, err
	}
	ue := &PurchaseUncertainError{Number: number, Err: err}
	if number == "" {
		return nil, ue
	}
	if ctx.Err() != nil {
		ue.CheckErr = ctx.Err()
		return nil, ue
	}
	found, checkErr := c.findPurchased(ctx, number)
	switch {
	case checkErr != nil:
		ue.CheckErr = checkErr
	case found != nil:
		c.log.WarnContext(ctx, "daily: purchase answer was lost but the number was bought", "number", number)
		return found, nil
	default:
		ue.NotBought = true
	}
	return nil, ue
}

// mayHaveTakenEffect reports whether a failed POST may still have been carried out:
// a 5xx answer or no answer at all.
func mayHaveTakenEffect(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return true
	}
	var ae *APIError
	return errors.As(err, &ae) && ae.Status >= 500
}

// findPurchased looks number up among the purchased numbers.
func (c *Client) findPurchased(ctx context.Context, number string) (*PurchasedNumber, error) {
	for p, err := range c.PurchasedNumbers(ctx, PurchasedNumberQuery{FilterNumber: number}) {
		if err != nil {
			return nil, err
		}
		if p.Number == number {
			return &p, nil
		}
	}
	return nil, nil
}

// PurchasedNumbers lists the domain's numbers page by page, on the pagination_id cursor.
func (c *Client) PurchasedNumbers(ctx context.Context, q PurchasedNumberQuery) iter.Seq2[PurchasedNumber, error] {
	v := url.Values{}
	setIf(v, "filter_number", q.FilterNumber)
	setIf(v, "filter_name", q.FilterName)
	return paginate(ctx, c, "/purchased-phone-numbers", v, q.PageSize, func(p PurchasedNumber) string {
		if p.PaginationID != 0 {
			return strconv.FormatInt(p.PaginationID, 10)
		}
		return p.ID
	})
}

// ReleaseNumber releases a purchased number by its id. Daily refuses within 14 days of
// the purchase.
func (c *Client) ReleaseNumber(ctx context.Context, id string) (*ReleaseResult, error) {
	if id == "" {
		return nil, errors.New("phone number id: must not be empty")
	}
	var r ReleaseResult
	if err := c.do(ctx, http.MethodDelete, "/release-phone-number/"+url.PathEscape(id), nil, nil, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
