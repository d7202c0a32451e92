package auth

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
)

// StatusOptions are the inputs of `dialin auth status`.
type StatusOptions struct {
	IO          *iostreams.IOStreams
	Config      func() (*config.Config, error)
	DailyClient func() (*daily.Client, error)
	Exporter    cmdutil.Exporter
}

// NewCmdStatus builds `auth status`; runF replaces the run function in tests.
func NewCmdStatus(f *cmdutil.Factory, runF func(*StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{IO: f.IOStreams, Config: f.Config, DailyClient: f.DailyClient}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show the profile, its Daily domain and where the API key comes from",
		Long: "Check the active profile's API key with Daily (GET /) and show the domain it belongs to,\n" +
			"the API URL the key is sent to and where that URL comes from (a key stored by `auth login`\n" +
			"is sent to the URL it was checked against). No part of the key is shown. Exits 4 when there\n" +
			"is no key or Daily refuses it.",
		Example: "  dialin auth status\n" +
			"  dialin auth status --jq .domain_name",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return statusRun(c.Context(), opts)
		},
	}
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

// Status is what `auth status --json` prints.
type Status struct {
	Profile    string `json:"profile"`
	APIURL     string `json:"api_url"`
	URLFrom    string `json:"api_url_from"` // the flag, variable or file that chose api_url, or "default"
	DomainName string `json:"domain_name"`
	DomainID   string `json:"domain_id"`
	KeySource  string `json:"key_source"` // "env" or "file"
	KeyFrom    string `json:"key_from"`   // DAILY_API_KEY or the credentials file
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	key, origin := cfg.APIKey()
	if key == "" {
		return &cmdutil.NoAuthError{Profile: cfg.Profile()}
	}
	apiURL, err := cfg.APIURL()
	if err != nil {
		return err
	}
	urlFrom, _ := cfg.Get("api_url")
	from := urlFrom.Origin.Describe()
	if urlFrom.Origin.Name == cfg.CredentialsFile() {
		from += ", where the key was checked at login"
	}
	client, err := opts.DailyClient()
	if err != nil {
		return err
	}
	domain, err := checkKey(ctx, opts.IO, client)
	if err != nil {
		if daily.IsAuth(err) {
			return fmt.Errorf("Daily refused the API key from %s: %w", origin.Describe(), err)
		}
		return err
	}
	st := Status{
		Profile: cfg.Profile(), APIURL: apiURL, URLFrom: from, DomainName: domain.Name, DomainID: domain.ID,
		KeySource: string(origin.Source), KeyFrom: origin.Name,
	}
	if opts.Exporter != nil {
		return opts.Exporter.Write(opts.IO, st)
	}
	cs := output.NewColorScheme(opts.IO)
	w := opts.IO.Out
	fmt.Fprintf(w, "Profile:  %s\n", st.Profile)
	fmt.Fprintf(w, "API URL:  %s %s\n", st.APIURL, cs.Gray("(from "+st.URLFrom+")"))
	fmt.Fprintf(w, "Domain:   %s %s\n", cs.Bold(st.DomainName), cs.Gray("("+st.DomainID+")"))
	fmt.Fprintf(w, "API key:  %s from %s\n", output.Secret(key), origin.Describe())
	fmt.Fprintf(w, "%s Logged in\n", cs.SuccessIcon())
	return nil
}
