package routescmd

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// ListOptions are the inputs of `dialin routes list`.
type ListOptions struct {
	Deps
	Exporter    cmdutil.Exporter
	Quiet       bool
	ShowSecrets bool
}

// NewCmdList builds `routes list`; runF replaces the run function in tests.
func NewCmdList(f *cmdutil.Factory, runF func(*ListOptions) error) *cobra.Command {
	opts := &ListOptions{Deps: newDeps(f)}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List the routes: number or SIP URI, webhook, name, hold music, timeout message",
		Long: "List the domain's pinless dial-in routes. hmac secrets (and passwords in URLs) are masked\n" +
			"unless --show-secrets is given; in --json a masked hmac is null and has_hmac says whether\n" +
			"the route has one. Piped, the columns are tab-separated without a header; -q\n" +
			"prints each route's key (the number, or sip:NAME), as `routes remove` takes it.",
		Example: "  dialin routes list\n" +
			"  dialin routes list --json --jq '.[].room_creation_api'\n" +
			"  dialin routes list -q",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := opts.checkFlags(); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return listRun(c.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.ShowSecrets, "show-secrets", false, "Show hmac secrets and URL passwords instead of masking them")
	addAPIFlag(cmd, &opts.Deps)
	cmdutil.AddQuietFlag(cmd, opts.IO, &opts.Quiet, "Print only each route's key (number or sip:NAME), one per line")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	return cmd
}

func listRun(ctx context.Context, opts *ListOptions) error {
	_, entries, err := opts.openRead(ctx)
	if err != nil {
		return err
	}
	if opts.Exporter != nil {
		out := make([]map[string]json.RawMessage, 0, len(entries))
		for _, e := range entries {
			m, err := listedEntry(e, opts.ShowSecrets)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return opts.Exporter.Write(opts.IO, out)
	}
	if len(entries) == 0 {
		return cmdutil.NewNoResultsError("no pinless dial-in routes on this domain; add one with `dialin routes set`")
	}
	if opts.Quiet {
		for _, e := range entries {
			fmt.Fprintln(opts.IO.Out, routes.KeyOf(e))
		}
		return nil
	}
	t := output.NewTable(opts.IO, "number/sip uri", "webhook", "name", "hold music", "timeout message", "hmac")
	for _, e := range entries {
		addr := e.PhoneNumber
		if addr == "" {
			addr = e.SIPURI
			if addr == "" {
				addr = routes.KeyOf(e).String()
			}
		}
		msg := ""
		if e.TimeoutConfig != nil {
			msg = e.TimeoutConfig.Message
		}
		hmac := output.Secret(e.HMAC)
		if opts.ShowSecrets {
			hmac = e.HMAC
		}
		t.Row(addr, routes.WebhookName(showURL(e.RoomCreationAPI, opts.ShowSecrets)), e.NamePrefix,
			showURL(e.HoldMusicURL, opts.ShowSecrets), msg, hmac)
	}
	return t.Render()
}

// listedEntry is an entry as --json shows it: every field Daily returned, unknown ones
// included, plus "key" and "has_hmac"; unless showSecrets, "hmac" is null and URL passwords
// are masked.
func listedEntry(e daily.PinlessDialinEntry, showSecrets bool) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(e)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	set := func(k, v string) {
		b, _ := json.Marshal(v)
		m[k] = b
	}
	set("key", routes.KeyOf(e).String())
	m["has_hmac"] = json.RawMessage(strconv.FormatBool(e.HMAC != ""))
	if agent, ok := routes.PipecatCloudAgent(e.RoomCreationAPI); ok {
		set("pipecat_cloud", agent)
	}
	if !showSecrets {
		if e.HMAC != "" {
			m["hmac"] = json.RawMessage("null") // masked: a string here would look like the secret
		}
		if e.RoomCreationAPI != "" {
			set("room_creation_api", showURL(e.RoomCreationAPI, false))
		}
		if e.HoldMusicURL != "" {
			set("hold_music_url", showURL(e.HoldMusicURL, false))
		}
	}
	return m, nil
}

// showURL masks the password of a URL that carries one, unless showSecrets.
func showURL(raw string, showSecrets bool) string {
	if showSecrets || raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}
