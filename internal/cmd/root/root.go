// Package root builds the `dialin` command tree: global flags, every command, help topics
// and shell completion.
//
// Adding a command (gh's pattern; see internal/cmd/auth for a full example):
//
//  1. Package internal/cmd/<noun> with NewCmd<Noun>(f *cmdutil.Factory) *cobra.Command, a
//     group whose verbs are added with cmd.AddCommand(NewCmd<Verb>(f, nil)).
//  2. Each verb: an <Verb>Options struct holding IO, DailyClient (from f) and the flags;
//     NewCmd<Verb>(f, runF func(*<Verb>Options) error) validates flags in RunE, returning
//     cmdutil.FlagErrorf("--flag: rule") (exit 64), then calls runF or <verb>Run(ctx, opts).
//  3. Output: opts.Exporter via cmdutil.AddJSONFlags, output.NewTable for lists,
//     cmdutil.AddQuietFlag, cmdutil.Confirm + cmdutil.AddYesFlag for paid/destructive changes.
//  4. Register it in NewCmdRoot's registration block below, one line.
//  5. Tests: flag parsing with runF via cmdtest.Exec; runs via cmdtest.New(t) (emulator).
package root

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/build"
	"github.com/dialin-project/dialin/internal/cmd/auth"
	"github.com/dialin-project/dialin/internal/cmd/benchcmd"
	"github.com/dialin-project/dialin/internal/cmd/calls"
	"github.com/dialin-project/dialin/internal/cmd/configcmd"
	"github.com/dialin-project/dialin/internal/cmd/demo"
	"github.com/dialin-project/dialin/internal/cmd/dev"
	"github.com/dialin-project/dialin/internal/cmd/doctor"
	"github.com/dialin-project/dialin/internal/cmd/emulator"
	"github.com/dialin-project/dialin/internal/cmd/gendocs"
	"github.com/dialin-project/dialin/internal/cmd/numberscmd"
	"github.com/dialin-project/dialin/internal/cmd/rooms"
	"github.com/dialin-project/dialin/internal/cmd/routescmd"
	"github.com/dialin-project/dialin/internal/cmd/servecmd"
	"github.com/dialin-project/dialin/internal/cmd/simulate"
	"github.com/dialin-project/dialin/internal/cmd/standincmd"
	"github.com/dialin-project/dialin/internal/cmd/tokens"
	"github.com/dialin-project/dialin/internal/cmd/version"
	"github.com/dialin-project/dialin/internal/cmd/webhookcmd"
	"github.com/dialin-project/dialin/internal/cmd/webhooks"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/complete"
	"github.com/dialin-project/dialin/internal/config"
)

// NewCmdRoot returns the root command with every subcommand registered.
func NewCmdRoot(f *cmdutil.Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "dialin <command> <subcommand> [flags]",
		Short: "Daily telephony from the command line: numbers, dial-in routes, SIP rooms and a webhook server",
		Long: "dialin buys phone numbers on Daily (daily.co), points them at your webhook, creates SIP\n" +
			"dial-in rooms and runs the webhook server that connects each caller to a bot.\n\n" +
			"Help topics: dialin help environment | dialin help exit-codes | dialin help formatting",
		Example: "  dialin auth login\n" +
			"  dialin numbers search --areacode 415\n" +
			"  dialin routes set --number +14155550100 --url https://bots.example.com/dialin",
		SilenceUsage:  true,
		SilenceErrors: true,
		Version:       build.Get().Version,
	}
	cmd.SetVersionTemplate(version.Format(build.Get()) + "\n")
	cmd.Flags().Bool("version", false, "Show the version of dialin") // no -v: left free for commands

	pf := cmd.PersistentFlags()
	pf.StringP(config.FlagProfile, "p", "", "Configuration profile (default: DIALIN_PROFILE, then default_profile)")
	pf.String(config.FlagAPIURL, "", "Daily API root URL (default: DAILY_API_URL, then api_url)")
	_ = pf.MarkHidden(config.FlagAPIURL)
	f.GlobalFlags = pf
	_ = cmd.RegisterFlagCompletionFunc(config.FlagProfile, complete.Profiles(f))

	// ==== Command registration: one line per noun package, sorted by name. ====
	// To add a command: cmd.AddCommand(numberscmd.NewCmdNumbers(f)) and import the package.
	cmd.AddCommand(auth.NewCmdAuth(f))
	cmd.AddCommand(benchcmd.NewCmdBench(f, nil))
	cmd.AddCommand(calls.NewCmdCalls(f))
	cmd.AddCommand(configcmd.NewCmdConfig(f))
	cmd.AddCommand(demo.NewCmdDemo(f, nil))
	cmd.AddCommand(dev.NewCmdDev(f, nil))
	cmd.AddCommand(doctor.NewCmdDoctor(f, nil))
	cmd.AddCommand(emulator.NewCmdEmulator(f, nil))
	cmd.AddCommand(gendocs.NewCmdGendocs(f))
	cmd.AddCommand(numberscmd.NewCmdNumbers(f))
	cmd.AddCommand(rooms.NewCmdRooms(f))
	cmd.AddCommand(routescmd.NewCmdRoutes(f))
	cmd.AddCommand(servecmd.NewCmdServe(f, nil))
	cmd.AddCommand(simulate.NewCmdSimulate(f))
	cmd.AddCommand(standincmd.NewCmdStandinBot(f, nil))
	cmd.AddCommand(standincmd.NewCmdStandinPipecatRunner(f, nil), standincmd.NewCmdStandinPipecatCloud(f, nil))
	cmd.AddCommand(tokens.NewCmdTokens(f))
	cmd.AddCommand(version.NewCmdVersion(f, nil))
	cmd.AddCommand(webhookcmd.NewCmdWebhook(f))
	cmd.AddCommand(webhooks.NewCmdWebhooks(f))
	// ==== End of command registration. ====

	for _, t := range helpTopics {
		cmd.AddCommand(newHelpTopic(t))
	}
	cmd.InitDefaultHelpCmd()
	strictHelp(cmd)
	cmd.InitDefaultCompletionCmd()
	// Last: every command is registered, so all usage errors become exit code 64.
	cmdutil.MarkUsageErrors(cmd)
	return cmd
}

// strictHelp makes `dialin help NOSUCH` a usage error; cobra prints the root help and exits 0.
func strictHelp(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.Name() != "help" || c.Run == nil {
			continue
		}
		show := c.Run
		c.RunE = func(c *cobra.Command, args []string) error {
			if _, rest, err := root.Find(args); err != nil || len(rest) > 0 {
				return cmdutil.FlagErrorf("unknown help topic %q: run `dialin help` for commands and topics", strings.Join(args, " "))
			}
			show(c, args)
			return nil
		}
	}
}
