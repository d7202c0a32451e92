package complete

import (
	"context"
	"iter"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/pkg/daily"
)

// PurchasedNumbers completes the domain's purchased numbers (E.164), described by their name.
// For `numbers release`, `routes set --number` and anything else taking a number you own.
func PurchasedNumbers(f *cmdutil.Factory) cobra.CompletionFunc {
	return fromAPI(f, "purchased numbers", func(ctx context.Context, _ *cobra.Command, c *daily.Client, prefix string) ([]cobra.Completion, error) {
		return collect(c.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{}), func(n daily.PurchasedNumber) (string, string, bool) {
			return n.Number, n.Name, strings.HasPrefix(n.Number, prefix)
		})
	})
}

// RoomNames completes the domain's room names, described by their privacy.
func RoomNames(f *cmdutil.Factory) cobra.CompletionFunc {
	return fromAPI(f, "rooms", func(ctx context.Context, _ *cobra.Command, c *daily.Client, prefix string) ([]cobra.Completion, error) {
		return collect(c.Rooms(ctx, daily.RoomQuery{}), func(r daily.Room) (string, string, bool) {
			return r.Name, r.Privacy, strings.HasPrefix(r.Name, prefix)
		})
	})
}

// The values of the routes commands' --api flag and the routes_api setting that select
// Daily's /domain-dialin-config API instead of the domain's pinless_dialin array.
const (
	routesAPIFlag    = "api"
	routesAPISetting = "routes_api"
	routesAPIConfigs = "configs"
)

// RouteNumbers completes the phone numbers that have a dial-in route (SIP-only entries have
// no number and are left out), described by their room name prefix. It reads the routes
// where the command would: --api configs (or the profile's routes_api) selects
// /domain-dialin-config, anything else the domain's pinless_dialin array.
func RouteNumbers(f *cmdutil.Factory) cobra.CompletionFunc {
	return fromAPI(f, "route numbers", func(ctx context.Context, cmd *cobra.Command, c *daily.Client, prefix string) ([]cobra.Completion, error) {
		keep := func(number, namePrefix string) (string, string, bool) {
			return number, namePrefix, number != "" && strings.HasPrefix(number, prefix)
		}
		if routesAPI(f, cmd) == routesAPIConfigs {
			configs := c.DialinConfigs(ctx, daily.DialinConfigQuery{Type: "pinless_dialin"})
			return collect(configs, func(d daily.DialinConfig) (string, string, bool) {
				return keep(d.Config.PhoneNumber, d.Config.NamePrefix)
			})
		}
		d, err := c.Domain(ctx)
		if err != nil {
			return nil, err
		}
		entries, err := d.PinlessDialin()
		if err != nil {
			return nil, err
		}
		return collect(slice(entries), func(e daily.PinlessDialinEntry) (string, string, bool) {
			return keep(e.PhoneNumber, e.NamePrefix)
		})
	})
}

// routesAPI is the routes API the command is set to use: its --api flag, else the profile's
// routes_api setting.
func routesAPI(f *cmdutil.Factory, cmd *cobra.Command) string {
	if fl := cmd.Flags().Lookup(routesAPIFlag); fl != nil && fl.Value.String() != "" {
		return fl.Value.String()
	}
	cfg, err := f.Config()
	if err != nil {
		return ""
	}
	if v, err := cfg.Get(routesAPISetting); err == nil {
		return v.Value
	}
	return ""
}

// collect reads seq until MaxCandidates values were kept; pick gives an item's value, its
// description and whether to keep it. Values are not repeated.
func collect[T any](seq iter.Seq2[T, error], pick func(T) (value, description string, keep bool)) ([]cobra.Completion, error) {
	var out []cobra.Completion
	seen := map[string]bool{}
	for item, err := range seq {
		if err != nil {
			return nil, err
		}
		value, desc, keep := pick(item)
		if !keep || seen[value] {
			continue
		}
		seen[value] = true
		out = append(out, candidate(value, desc))
		if len(out) == MaxCandidates {
			break
		}
	}
	return out, nil
}

func slice[T any](items []T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}
