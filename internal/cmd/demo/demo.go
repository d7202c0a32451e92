// Package demo implements `dialin demo`: the whole dial-in flow on this machine, with no
// Daily account, no network and no other program. It starts the Daily emulator in process,
// buys a number in it, points the number's route at an in-process `serve` (the real engine),
// uses this same binary's hidden `standin-bot` command as the bot (a real child process per
// call, started by serve with the arguments of Pipecat's 2024 dial-in bot), places a few
// calls at once, and prints each call's timeline and hold time.
package demo

import (
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/iostreams"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// Options are the inputs of `dialin demo`.
type Options struct {
	IO       *iostreams.IOStreams
	Exporter cmdutil.Exporter

	Calls       int
	BotStartup  time.Duration
	TalkTime    time.Duration
	HoldTimeout time.Duration
	Patch       string
	Bot         string // BotSeed or BotPipecat
	Verbose     bool

	// Executable is the program run as the bot with `standin-bot` (os.Executable: this
	// dialin; tests: the test binary, which dispatches that argument).
	Executable func() (string, error)
}

// NewCmdDemo builds `demo`; runF replaces the run function in tests.
func NewCmdDemo(f *cmdutil.Factory, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: f.IOStreams, Executable: os.Executable}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Watch calls reach a bot end to end, on this machine, without an account",
		Long: "Run the whole dial-in flow locally: the Daily API emulator, a bought number whose route\n" +
			"points at `dialin serve` (the real server, in this process), and a stand-in bot that is a\n" +
			"real child process per call (this binary's `standin-bot`, started with the Pipecat bot's\n" +
			"arguments -u {room_url} -t {token} -i {call_id} -d {call_domain} -s {sip_uri}). It places\n" +
			"--calls calls at once and prints each call's timeline, every step with its time since Daily\n" +
			"received the call, and the hold time: how long the caller heard hold music.\n\n" +
			"--bot pipecat shows a current Pipecat bot (`async def bot(runner_args)`) instead: serve POSTs\n" +
			"Pipecat's /start body to a stand-in for Pipecat's runner (`python bot.py -t daily`), in this\n" +
			"process, which creates the room and runs a bot that patches the call with the Daily key and\n" +
			"URL serve put in the body.\n\n" +
			"--bot-startup plays a Python bot's import time; --patch serve lets serve patch the call on\n" +
			"Daily's dialin.ready event instead of the bot. Nothing leaves this machine; no key is needed.\n" +
			"Exits 1 if any call was not connected.",
		Example: "  dialin demo\n" +
			"  dialin demo --calls 10 --bot-startup 1.5s --patch serve\n" +
			"  dialin demo --bot pipecat\n" +
			"  dialin demo --json --jq '.calls[].hold_ms'",
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			if err := validate(opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return demoRun(c.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Calls, "calls", 3, "How many calls to place at once (1 to 50)")
	fl.DurationVar(&opts.BotStartup, "bot-startup", 300*time.Millisecond, "How long each bot takes to start before it joins (a Python bot's imports)")
	fl.DurationVar(&opts.TalkTime, "talk-time", 500*time.Millisecond, "How long each bot stays in its call before it leaves")
	fl.DurationVar(&opts.HoldTimeout, "hold-timeout", 20*time.Second, "How long the emulator holds a call before it is lost (Daily: about 2 minutes)")
	fl.StringVar(&opts.Patch, "patch", serveconfig.PatchBot, "Who calls pinlessCallUpdate: bot or serve")
	fl.StringVar(&opts.Bot, "bot", BotSeed, "Which bot: seed (the 2024 command-line bot, a process per call) or pipecat (Pipecat's runner, over /start)")
	fl.BoolVarP(&opts.Verbose, "verbose", "v", false, "Also print serve's event lines and warnings on stderr")
	cmdutil.AddJSONFlags(cmd, &opts.Exporter)
	_ = cmd.RegisterFlagCompletionFunc("bot", cobra.FixedCompletions([]string{BotSeed, BotPipecat}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("patch", cobra.FixedCompletions([]string{serveconfig.PatchBot, serveconfig.PatchServe}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func validate(o *Options) error {
	switch {
	case o.Calls < 1 || o.Calls > 50:
		return cmdutil.FlagErrorf("--calls: must be between 1 and 50, got %d", o.Calls)
	case o.BotStartup < 0 || o.BotStartup > 30*time.Second:
		return cmdutil.FlagErrorf("--bot-startup: must be between 0 and 30s, got %s", o.BotStartup)
	case o.TalkTime < 10*time.Millisecond || o.TalkTime > time.Minute:
		return cmdutil.FlagErrorf("--talk-time: must be between 10ms and 1m, got %s", o.TalkTime)
	case o.HoldTimeout < 100*time.Millisecond || o.HoldTimeout > 5*time.Minute:
		return cmdutil.FlagErrorf("--hold-timeout: must be between 100ms and 5m, got %s", o.HoldTimeout)
	case serveconfig.PatchChoice.Violation(o.Patch, true) != "":
		return cmdutil.FlagErrorf("--patch: %s", serveconfig.PatchChoice.Violation(o.Patch, true))
	case o.Bot != BotSeed && o.Bot != BotPipecat:
		return cmdutil.FlagErrorf("--bot: must be %s or %s, got %q", BotSeed, BotPipecat, o.Bot)
	case o.Bot == BotPipecat && o.Patch == serveconfig.PatchServe:
		return cmdutil.FlagErrorf("--patch: must be bot with --bot pipecat (a Pipecat bot patches the call itself)")
	}
	return nil
}
