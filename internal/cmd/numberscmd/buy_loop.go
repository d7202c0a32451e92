package numberscmd

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// buyFailure is a number that was not bought, and why.
type buyFailure struct {
	number string // "" for the random number
	err    error  // nil: not attempted, because an earlier failure stopped the run
}

// buyResult is what a run of purchases did.
type buyResult struct {
	total  int
	bought []daily.PurchasedNumber
	failed []buyFailure
}

// buyAll buys targets one by one, reporting each on stderr. It goes on after a refusal that
// concerns one number (a 4xx such as "no longer available") and stops after anything that
// would hit the next purchase too or leaves a purchase uncertain (a 5xx, no answer, auth,
// rate limit, Ctrl-C): the numbers after it are reported as not attempted.
func buyAll(ctx context.Context, ios *iostreams.IOStreams, client *daily.Client, targets []string) buyResult {
	cs := output.NewErrColorScheme(ios)
	res := buyResult{total: len(targets)}
	for i, n := range targets {
		if ctx.Err() != nil {
			res.notAttempted(targets[i:])
			break
		}
		label := "Buying a random number"
		if n != "" {
			label = "Buying " + n
		}
		var (
			p   *daily.PurchasedNumber
			err error
		)
		err = ios.WithProgress(label, func() error {
			p, err = client.BuyNumber(ctx, n)
			return err
		})
		if err == nil {
			res.bought = append(res.bought, *p)
			ios.Infof("%s Bought %s (id %s)", cs.SuccessIcon(), p.Number, p.ID)
			continue
		}
		res.failed = append(res.failed, buyFailure{number: n, err: err})
		if !numberSpecific(err) {
			res.notAttempted(targets[i+1:])
			break
		}
	}
	return res
}

func (r *buyResult) notAttempted(numbers []string) {
	for _, n := range numbers {
		r.failed = append(r.failed, buyFailure{number: n})
	}
}

// numberSpecific reports whether a failed purchase concerns only that number, so the next
// one may still be bought: Daily answered with a 4xx that is not about the key or the rate.
func numberSpecific(err error) bool {
	var apiErr *daily.APIError
	if !errors.As(err, &apiErr) || daily.IsAuth(err) || daily.IsRateLimited(err) {
		return false
	}
	return apiErr.Status >= 400 && apiErr.Status < 500
}

// err is the run's error: nil when everything was bought; the purchase's own error for a
// single number; otherwise a summary of what was and was not bought (exit 1). Each failure
// is also printed on stderr, unless the error goes out as JSON.
func (r *buyResult) err(ios *iostreams.IOStreams, jsonMode bool) error {
	if len(r.failed) == 0 {
		return nil
	}
	if r.total == 1 {
		return purchaseError(r.failed[0].number, r.failed[0].err)
	}
	cs := output.NewErrColorScheme(ios)
	var notBought []string
	hint := ""
	for _, f := range r.failed {
		why := "not attempted"
		if f.err != nil {
			why = f.err.Error()
			if h := uncertainHint(f.err); h != "" {
				hint = h
			} else if h := cmdutil.APIHint(f.err); h != "" && hint == "" {
				hint = h
			}
		}
		if jsonMode { // no lines on stderr besides the JSON error: the reasons go in it
			notBought = append(notBought, fmt.Sprintf("%s (%s)", f.number, why))
		} else {
			notBought = append(notBought, f.number)
			fmt.Fprintf(ios.ErrOut, "%s %s: %s\n", cs.FailureIcon(), f.number, why)
		}
	}
	err := fmt.Errorf("bought %d of %d numbers; not bought: %s", len(r.bought), r.total, strings.Join(notBought, ", "))
	return cmdutil.WithHint(err, hint)
}

// purchaseError names the number in a failed purchase. A *daily.PurchaseUncertainError
// already does, and says what is known about whether Daily bought it.
func purchaseError(number string, err error) error {
	var uncertain *daily.PurchaseUncertainError
	if errors.As(err, &uncertain) || errors.Is(err, context.Canceled) {
		return cmdutil.WithHint(err, uncertainHint(err))
	}
	if number == "" {
		return fmt.Errorf("buying a random number: %w", err)
	}
	return fmt.Errorf("buying %s: %w", number, err)
}

// uncertainHint is the advice for a purchase that may have gone through: look before buying
// again, never retry blindly.
func uncertainHint(err error) string {
	var uncertain *daily.PurchaseUncertainError
	if !errors.As(err, &uncertain) || uncertain.NotBought {
		return ""
	}
	return "Daily may have bought it: run `dialin numbers list` and check before buying again"
}
