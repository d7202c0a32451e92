package numberscmd

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/numbers"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// ReleaseOptions are the inputs of `dialin numbers release`.
type ReleaseOptions struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	DailyClient func() (*daily.Client, error)
	Now         func() time.Time
	Exporter    cmdutil.Exporter

	Target  string // a number in any spelling, or a purchase id
	Country string // --default-country, validated; "" means the profile\'s default_country
	Force   bool
	Yes     bool
}

// NewCmdRelease builds `numbers release`; runF replaces the run function in tests.
func NewCmdRelease(f *cmdutil.Factory, runF func(*ReleaseOptions) error) *cobra.Command {
	opts := &ReleaseOptions{IO: f.IOStreams, Config: f.Config, DailyClient: f.DailyClient, Now: f.Now}
	cmd := &cobra.Command{
		Use:   "release NUMBER|ID",
		Short: "Release a phone number back to the carrier",
		Long: "Release a number the domain owns, named by the number (any spelling) or its purchase id.\n" +
			"A released number goes back to the carrier: calls to it stop reaching you and you may\n" +
			"not be able to buy it again.\n\n" +
			"Before asking, dialin refuses (without sending the release):\n" +
			"  - a number that a dial-in route still uses (exit 64): remove the route first with\n" +
			"    `dialin routes remove`, since a route to a number you no longer own is dead;\n" +
			"  - a number bought less than 14 days ago (exit 1): Daily refuses those, and dialin\n" +
			"    says from when it can be released.\n" +
			"--force skips both checks and leaves the decision to Daily. On a terminal dialin asks\n" +
			"first; elsewhere it refuses without --yes.",
		Example: "  dialin numbers release +14155550100\n" +
			"  dialin numbers release 85a70a9a-e22f-4a8d-8302-bbf1b88dd909 --yes",
		Args: cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			opts.Target = strings.TrimSpace(args[0])
			if opts.Target == "" {
				return cmdutil.FlagErrorf("NUMBER|ID: must not be empty")
			}
			if err := normalizeCountryFlag(&opts.Country); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return releaseRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&opts.Force, "force", false, "Release even if a route uses the number or it was bought less than 14 days ago")
	addCountryFlag(cmd, &opts.Country)
	cmdutil.AddYesFlag(cmd, &opts.Yes)
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	cmd.ValidArgsFunction = complete.PurchasedNumbers(f)
	return cmd
}

// released is what `numbers release --json` prints.
type released struct {
	ID       string `json:"id"`
	Number   string `json:"number"`
	Released bool   `json:"released"`
}

// uuidPattern matches Daily's purchase ids.
var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func releaseRun(ctx context.Context, opts *ReleaseOptions) error {
	var id, number string
	if uuidPattern.MatchString(opts.Target) {
		id = strings.ToLower(opts.Target)
	} else {
		region, err := defaultCountry(opts.Country, opts.Config)
		if err != nil {
			return err
		}
		if number, err = normalizeNumber(opts.Target, region); err != nil {
			if strings.IndexFunc(opts.Target, unicode.IsLetter) >= 0 {
				return cmdutil.FlagErrorf("NUMBER|ID: %q is neither a phone number (e.g. %s) nor a purchase id (a UUID)", opts.Target, phone.Example)
			}
			return err
		}
	}
	if !opts.Yes && !opts.IO.CanPrompt() {
		return cmdutil.Confirm(opts.IO, false, "Release "+firstOf(number, id)+"?") // before any request
	}
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	var (
		owned *daily.PurchasedNumber
		route *numberRoute
	)
	err = opts.IO.WithProgress("Looking up "+firstOf(number, id), func() error {
		if owned, err = findOwned(ctx, client, id, number); err != nil {
			return err
		}
		byNumber, err := numbers.RoutesByNumber(ctx, client)
		route = byNumber[numbers.Canonical(owned.Number)]
		return err
	})
	if err != nil {
		return err
	}
	now := opts.Now()
	if !opts.Force {
		if err := checkReleasable(owned, route, now); err != nil {
			return err
		}
	}
	if !opts.Yes {
		cs := output.NewErrColorScheme(opts.IO)
		fmt.Fprintf(opts.IO.ErrOut, "%s Releasing %s (id %s) gives it back to the carrier: calls to it stop and you may not get it back.\n",
			cs.WarningIcon(), cs.Cyan(owned.Number), owned.ID)
		if route != nil {
			fmt.Fprintf(opts.IO.ErrOut, "%s It still has a route: %s\n", cs.WarningIcon(), routeSummary(route))
		}
		if err := cmdutil.Confirm(opts.IO, false, "Release "+owned.Number+"?"); err != nil {
			return err
		}
	}
	err = opts.IO.WithProgress("Releasing "+owned.Number, func() error {
		_, err := client.ReleaseNumber(ctx, owned.ID)
		return err
	})
	if err != nil {
		return explainReleaseError(owned, now, err)
	}
	cs := output.NewErrColorScheme(opts.IO)
	opts.IO.Infof("%s Released %s (id %s)", cs.SuccessIcon(), owned.Number, owned.ID)
	if route != nil {
		fmt.Fprintf(opts.IO.ErrOut, "%s Its %s route is still configured and can no longer receive calls: remove it with `dialin routes remove`\n",
			cs.WarningIcon(), route.Type)
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, released{ID: owned.ID, Number: owned.Number, Released: true})
	}
	return nil
}

func firstOf(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// findOwned finds the purchased number with this id or number, reading every page.
func findOwned(ctx context.Context, client *daily.Client, id, number string) (*daily.PurchasedNumber, error) {
	owned, err := purchased(ctx, client, 0)
	if err != nil {
		return nil, err
	}
	for i := range owned {
		p := &owned[i]
		if (id != "" && strings.EqualFold(p.ID, id)) || (number != "" && numbers.Canonical(p.Number) == number) {
			return p, nil
		}
	}
	return nil, cmdutil.WithHint(fmt.Errorf("%s: no such number among this domain's purchased numbers", firstOf(number, id)),
		"run `dialin numbers list` to see the numbers and ids the domain owns")
}
