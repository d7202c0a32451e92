package numbers

import (
	"context"
	"fmt"

	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// buyDryRun is what `numbers buy --dry-run --json` prints. Numbers are those that would be
// bought; AlreadyOwned are requested numbers the domain owns, which a real buy would fail on (422).
type buyDryRun struct {
	DryRun       bool          `json:"dry_run"`
	Random       bool          `json:"random"`
	Numbers      []string      `json:"numbers"`
	AlreadyOwned []ownedNumber `json:"already_owned"`
}

// ownedNumber is a requested number the domain has already bought.
type ownedNumber struct {
	Number string `json:"number"`
	ID     string `json:"id"`
}

// printDryRun reports what a buy would do. It reads the purchased numbers (GET only) so that a
// number already owned is reported here rather than failing the real purchase; it never buys.
func printDryRun(ctx context.Context, opts *BuyOptions, targets []string) error {
	numbers := []string{}
	owned := []ownedNumber{}
	if !opts.Random {
		var err error
		if numbers, owned, err = splitOwned(ctx, opts, targets); err != nil {
			return err
		}
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, buyDryRun{DryRun: true, Random: opts.Random, Numbers: numbers, AlreadyOwned: owned})
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
	if len(owned) > 0 {
		what += fmt.Sprintf(" (%d already owned)", len(owned))
	}
	opts.IO.Infof("Dry run: would buy %s; nothing was bought.", what)
	return nil
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
