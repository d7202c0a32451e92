// Package numbers implements `dialin numbers search|buy|list|release`: Daily's phone numbers.
//
// Buying costs money and releasing gives a number back to the carrier, so both ask on a
// terminal and refuse without --yes elsewhere, before any request. A purchase is never
// retried blindly (pkg/daily checks whether a lost purchase went through). Every bad input
// (filters, numbers, flag combinations) is refused with exit code 64 before a request.
package numberscmd

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// NewCmdNumbers is the `numbers` group.
func NewCmdNumbers(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "numbers <command>",
		Short: "Search, buy, list and release Daily phone numbers",
		Long: "Search the phone numbers Daily can sell, buy them, list the ones the domain owns (with the\n" +
			"dial-in route of each) and release them.\n\n" +
			"Numbers are paid (pay-as-you-go) and Daily refuses to release a number within 14 days of\n" +
			"its purchase.",
		Aliases: []string{"number"},
	}
	cmd.AddCommand(NewCmdSearch(f, nil))
	cmd.AddCommand(NewCmdBuy(f, nil))
	cmd.AddCommand(NewCmdList(f, nil))
	cmd.AddCommand(NewCmdRelease(f, nil))
	return cmd
}

// addCountryFlag adds --default-country, the country assumed for numbers typed without
// +country code. --region, its old name, still works but is deprecated and hidden: in
// `numbers search` --region is Daily's state filter (CA is California there, and Canada
// here), so one name must not mean both.
func addCountryFlag(cmd *cobra.Command, target *string) {
	cmd.Flags().StringVar(target, "default-country", "",
		"Country for numbers written without +country code, e.g. GB (default: default_country, then US)")
	cmd.Flags().StringVar(target, "region", "", "Old name of --default-country")
	_ = cmd.Flags().MarkDeprecated("region", "use --default-country (in `numbers search`, --region is a state such as CA)")
}

// normalizeCountryFlag validates --default-country when it was given and upper-cases it in place.
func normalizeCountryFlag(country *string) error {
	if *country == "" {
		return nil
	}
	r, err := config.Normalize("default_country", strings.TrimSpace(*country))
	if err != nil {
		return cmdutil.FlagErrorf("--default-country: must be a two-letter country code with a phone numbering plan, e.g. US, GB, DE")
	}
	*country = r
	return nil
}

// defaultCountry is --default-country when given, else the profile's default_country (US by
// default).
func defaultCountry(flag string, cfgFunc func() (*config.Config, error)) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if cfgFunc == nil {
		return config.DefaultCountry, nil
	}
	cfg, err := cfgFunc()
	if err != nil {
		return "", err
	}
	v, err := cfg.Get("default_country")
	if err != nil || v.Value == "" {
		return config.DefaultCountry, err
	}
	return v.Value, nil
}

// normalizeNumber turns a number in any spelling into E.164; bad input is a usage error.
func normalizeNumber(input, region string) (string, error) {
	n, err := phone.Normalize(input, region)
	if err != nil {
		return "", cmdutil.FlagErrorWrap(err)
	}
	return n, nil
}

// plural returns "1 number" / "2 numbers".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
