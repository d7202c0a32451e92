package servecmd

import (
	"context"
	"errors"
	"fmt"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/output"
	"github.com/dialin-project/dialin/pkg/dialin/serve/serveconfig"
)

// run is `dialin serve`: with --check, the offline check; else the flags are checked, then
// serve runs.
func run(ctx context.Context, o *Options) error {
	if o.Check {
		return check(o)
	}
	if err := validate(o); err != nil {
		return err
	}
	return serveRun(ctx, o)
}

// check checks everything serve checks before it starts, without listening or asking Daily:
// the flags, the --config file with the flags applied, every cmd bot's program and Pipecat
// Cloud's key for pipecat_cloud bots. Every mistake is reported at once; none is a success
// line and exit 0.
func check(o *Options) error {
	found := split(validate(o))
	cfg := o.serveConfig // as read, even when it has problems: its programs are looked up too
	if cfg != nil {
		found = append(found, split(cfg.CheckPrograms(""))...)
		if err := checkPipecatCloudKey(o, cfg); err != nil { // serve.New refuses it too
			found = append(found, err)
		}
	}
	if len(found) > 0 {
		return problems(found)
	}
	if o.jsonErrors() {
		newLogger(o.IO.ErrOut, LogJSON, false, nil, false).Info(checkSummary(o, cfg))
		return nil
	}
	o.IO.Infof("%s %s", output.NewErrColorScheme(o.IO).SuccessIcon(), checkSummary(o, cfg))
	return nil
}

func checkSummary(o *Options, cfg *serveconfig.Config) string {
	what := "the flags"
	if o.ConfigFile != "" {
		what = "the flags and " + o.ConfigFile
	}
	n := len(cfg.Rules)
	s := fmt.Sprintf("%s are valid: %d %s", what, n, plural(n, "rule"))
	if cfg.Default != nil {
		s += " and a default bot"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// split lists err's mistakes: each problem of a configuration or of a problems list, else
// err itself.
func split(err error) []error {
	if err == nil {
		return nil
	}
	var ps *problemList
	if errors.As(err, &ps) {
		return ps.list
	}
	if es := serveconfig.AsErrors(err); len(es) > 1 {
		out := make([]error, len(es))
		for i, e := range es {
			out[i] = e
		}
		return out
	}
	return []error{err}
}

// problemList is several mistakes found together; every one is bad input (exit 64).
type problemList struct{ list []error }

func (p *problemList) Error() string {
	return fmt.Sprintf("%s (and %d more %s)", p.list[0], len(p.list)-1, plural(len(p.list)-1, "problem"))
}

// problems makes one usage error of the mistakes found: nil, the one, or a problemList.
func problems(found []error) error {
	switch len(found) {
	case 0:
		return nil
	case 1:
		var fe *cmdutil.FlagError
		if errors.As(found[0], &fe) {
			return found[0]
		}
		return cmdutil.FlagErrorWrap(found[0])
	}
	return cmdutil.FlagErrorWrap(&problemList{list: found})
}

// shown is an error serve has already written out itself (every problem, or a JSON log
// record): the exit code stays err's, and dialin prints nothing more.
type shown struct{ err error }

func (e shown) Error() string   { return e.err.Error() }
func (e shown) Unwrap() []error { return []error{e.err, cmdutil.ErrSilent} }

// reportFatal writes the error that ends serve where its logs go: as JSON log records when
// the logs are JSON (given --log-format json, or once the logger is built), so that a log
// collector never gets a plain line; and several mistakes one per line, file:line: field:
// rule. Anything else is left to dialin's usual "error: …" line.
func (o *Options) reportFatal(err error) error {
	if err == nil || errors.Is(err, cmdutil.ErrSilent) || errors.Is(err, cmdutil.ErrCancel) {
		return err
	}
	list := split(err)
	if o.jsonErrors() {
		log := o.logger
		if log == nil {
			log = newLogger(o.IO.ErrOut, LogJSON, false, nil, false)
		}
		for _, e := range list {
			log.Error(e.Error())
		}
		return shown{err}
	}
	if len(list) == 1 {
		return err
	}
	for _, e := range list {
		fmt.Fprintln(o.IO.ErrOut, e)
	}
	return cmdutil.FlagErrorf("%d problems, listed above; nothing was started", len(list))
}

// jsonErrors reports whether serve's errors are JSON log records: --log-format json, or
// the JSON logger serve built (off a terminal by default).
func (o *Options) jsonErrors() bool {
	return (o.Changed("log-format") && o.LogFormat == LogJSON) || o.logger != nil && o.logJSON
}
