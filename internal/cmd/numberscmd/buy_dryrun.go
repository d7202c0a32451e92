package numberscmd

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// buyDryRun is what `numbers buy --dry-run --json` prints. Numbers are those that would be
// bought; AlreadyOwned are requested numbers the domain owns, and Unavailable those Daily's
// search does not offer: a real buy would fail on both (422).
type buyDryRun struct {
	DryRun       bool          `json:"dry_run"`
	Random       bool          `json:"random"`
	Numbers      []string      `json:"numbers"`
	AlreadyOwned []ownedNumber `json:"already_owned"`
	Unavailable  []string      `json:"unavailable"`
}

// ownedNumber is a requested number the domain has already bought.
type ownedNumber struct {
	Number string `json:"number"`
	ID     string `json:"id"`
}

// printDryRun reports what a buy would do. It reads the purchased numbers and searches for
// each number (GET only), so that a number already owned or not for sale is reported here
// rather than failing the real purchase; it never buys. It exits 1 when a number is not for
// sale (the real buy would fail), 0 when every number would be bought or is already owned.
func printDryRun(ctx context.Context, opts *BuyOptions, targets []string) error {
	numbers, unavailable := []string{}, []string{}
	owned := []ownedNumber{}
	if !opts.Random {
		var err error
		if numbers, owned, err = splitOwned(ctx, opts, targets); err != nil {
			return err
		}
		if numbers, unavailable, err = splitAvailable(ctx, opts, numbers); err != nil {
			return err
		}
	}
	notForSale := error(nil)
	if len(unavailable) > 0 {
		notForSale = cmdutil.WithHint(fmt.Errorf("dry run: not for sale: %s; a real buy would fail", strings.Join(unavailable, ", ")),
			cmdutil.HintNumberUnavailable)
	}
	if opts.Exporter != nil {
		if err := opts.Exporter.Write(opts.IO, buyDryRun{DryRun: true, Random: opts.Random, Numbers: numbers, AlreadyOwned: owned, Unavailable: unavailable}); err != nil {
			return err
		}
		return notForSale
	}
	for _, n := range numbers {
		fmt.Fprintln(opts.IO.Out, n)
	}
	cs := output.NewErrColorScheme(opts.IO)
	for _, o := range owned {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s: already owned (id %s); would not be bought\n", cs.WarningIcon(), o.Number, o.ID)
	}
	what := describeTargets(targets)
	if !opts.Random {
		what = plural(len(numbers), "number")
	}
	for _, n := range unavailable {
		fmt.Fprintf(opts.IO.ErrOut, "%s %s: not available for purchase; would not be bought\n", cs.FailureIcon(), n)
	}
	var notBought []string
	if len(owned) > 0 {
		notBought = append(notBought, fmt.Sprintf("%d already owned", len(owned)))
	}
	if len(unavailable) > 0 {
		notBought = append(notBought, fmt.Sprintf("%d not available", len(unavailable)))
	}
	if len(notBought) > 0 {
		what += " (" + strings.Join(notBought, ", ") + ")"
	}
	opts.IO.Infof("Dry run: would buy %s; nothing was bought.", what)
	return notForSale
}

// splitAvailable divides numbers into those Daily offers for sale and those it does not. For
// each number it searches the numbers ending in its last 7 digits (within its area code for
// +1 numbers), the narrowest search Daily allows.
func splitAvailable(ctx context.Context, opts *BuyOptions, numbers []string) (available, unavailable []string, err error) {
	available, unavailable = []string{}, []string{}
	if len(numbers) == 0 {
		return available, unavailable, nil
	}
	client, err := opts.DailyClient()
	if err != nil {
		return nil, nil, err
	}
	for _, n := range numbers {
		q := daily.NumberSearch{EndsWith: n[max(len(n)-7, 1):]}
		if strings.HasPrefix(n, "+1") && len(n) == 12 {
			q.AreaCode = n[2:5]
		}
		var found []daily.AvailableNumber
		err := opts.IO.WithProgress("Checking that "+n+" is for sale", func() error {
			found, err = client.SearchNumbers(ctx, q)
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("dry run: checking that %s is for sale: %w", n, err)
		}
		if slices.ContainsFunc(found, func(a daily.AvailableNumber) bool { return a.Number == n }) {
			available = append(available, n)
		} else {
			unavailable = append(unavailable, n)
		}
	}
	return available, unavailable, nil
}

// splitOwned divides targets into those that would be bought and those the domain already owns,
// keeping the order given.
func splitOwned(ctx context.Context, opts *BuyOptions, targets []string) ([]string, []ownedNumber, error) {
	client, err := opts.DailyClient()
	if err != nil {
		return nil, nil, err
	}
	purchased, err := daily.Collect(client.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{}))
	if err != nil {
		return nil, nil, fmt.Errorf("reading the purchased numbers: %w", err)
	}
	ids := make(map[string]string, len(purchased))
	for _, p := range purchased {
		ids[p.Number] = p.ID
	}
	numbers, owned := []string{}, []ownedNumber{}
	for _, n := range targets {
		if id, ok := ids[n]; ok {
			owned = append(owned, ownedNumber{Number: n, ID: id})
			continue
		}
		numbers = append(numbers, n)
	}
	return numbers, owned, nil
}
