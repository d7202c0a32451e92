// Package complete holds the dynamic shell completions of dialin: functions that look up
// purchased numbers, route numbers, room names and profiles while the user presses Tab.
// Attach them with cmd.ValidArgsFunction = complete.RoomNames(f) or
// cmd.RegisterFlagCompletionFunc("number", complete.PurchasedNumbers(f)).
//
// A completion must never hang a shell or leave a mess on it: every API lookup gives up after
// Timeout, errors produce no candidates (they are written to cobra's completion debug log,
// never to the terminal), and file names are never offered instead.
package complete

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily"
)

// Timeout bounds the API requests of one completion. Tab has to feel instant; after two
// seconds an empty answer is better than a frozen prompt.
const Timeout = 2 * time.Second

// MaxCandidates caps how many values one completion offers (and so how many pages it reads).
const MaxCandidates = 200

// lookup lists candidates ("value" or "value\tdescription") starting with prefix, at most
// MaxCandidates of them.
type lookup func(ctx context.Context, cmd *cobra.Command, client *daily.Client, prefix string) ([]cobra.Completion, error)

// timeout is Timeout; tests shorten it.
var timeout = Timeout

// fromAPI turns a lookup into a completion function: it builds the client of the active
// profile (so --profile and --api-url typed before Tab are honoured) and bounds the lookup
// by Timeout.
func fromAPI(f *cmdutil.Factory, what string, fn lookup) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		client, err := f.DailyClient()
		if err != nil {
			cobra.CompDebugln("dialin completion of "+what+": "+err.Error(), false)
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		parent := cmd.Context()
		if parent == nil {
			parent = context.Background()
		}
		ctx, cancel := context.WithTimeout(parent, timeout)
		defer cancel()
		values, err := fn(ctx, cmd, client, toComplete)
		if err != nil {
			cobra.CompDebugln("dialin completion of "+what+": "+err.Error(), false)
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return without(values, args), cobra.ShellCompDirectiveNoFileComp
	}
}

// without drops the candidates already given as arguments (`rooms delete a b <Tab>`).
func without(values []cobra.Completion, args []string) []cobra.Completion {
	if len(args) == 0 {
		return values
	}
	return slices.DeleteFunc(values, func(v cobra.Completion) bool {
		value, _, _ := strings.Cut(v, "\t")
		return slices.Contains(args, value)
	})
}

// candidate is value with an optional description, as cobra wants it.
func candidate(value, description string) cobra.Completion {
	description = strings.Join(strings.Fields(description), " ") // a tab or newline would break the protocol
	if description == "" {
		return value
	}
	return cobra.CompletionWithDesc(value, description)
}

// Profiles completes profile names from config.yaml and credentials.yaml. It reads local
// files only, so it needs no timeout.
func Profiles(f *cmdutil.Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		cfg, err := f.Config()
		if err != nil {
			cobra.CompDebugln("dialin completion of profiles: "+err.Error(), false)
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		var names []cobra.Completion
		for _, p := range cfg.Profiles() {
			if !strings.HasPrefix(p.Name, toComplete) {
				continue
			}
			desc := ""
			if p.Default {
				desc = "default profile"
			}
			names = append(names, candidate(p.Name, desc))
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}
