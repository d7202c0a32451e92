package cli

import (
	"context"
	"errors"
	"strings"

	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/config"
	"github.com/dialin-project/dialin/pkg/daily"
)

// Exit codes; `dialin help exit-codes` documents them.
const (
	ExitOK          = 0   // success, including an empty list
	ExitError       = 1   // failure: API error, network, unexpected
	ExitChanges     = 2   // changes present (--detailed-exitcode only)
	ExitAuth        = 4   // no API key, or Daily refused it
	ExitUsage       = 64  // bad flag, argument or input, caught before any request (EX_USAGE)
	ExitInterrupted = 130 // Ctrl-C, or the user declined a prompt (128 + SIGINT)
)

// ExitCode maps an error returned by a command to the process exit code.
func ExitCode(err error) int {
	var (
		noResults *cmdutil.NoResultsError
		flagErr   *cmdutil.FlagError
		invalid   *config.InvalidValueError
		noAuth    *cmdutil.NoAuthError
		changes   *cmdutil.ChangesPresentError
	)
	switch {
	case err == nil, errors.As(err, &noResults):
		return ExitOK
	case errors.Is(err, cmdutil.ErrCancel), errors.Is(err, context.Canceled):
		return ExitInterrupted
	case errors.As(err, &flagErr), errors.As(err, &invalid), isCobraUsageError(err):
		return ExitUsage
	case errors.As(err, &noAuth), daily.IsAuth(err):
		return ExitAuth
	case errors.As(err, &changes):
		return ExitChanges
	}
	return ExitError
}

// cobraUsagePrefixes are the starts of the usage errors cobra raises where no FlagErrorFunc
// or Args wrapper can catch them (required flags, flag groups, legacy argument checks).
var cobraUsagePrefixes = []string{
	"required flag(s) ",
	"if any flags in the group ",
	"at least one of the flags in the group ",
	"unknown command ",
	"unknown flag: ",
	"unknown shorthand flag: ",
	"invalid argument ",
	"flag needs an argument: ",
	"accepts ",
	"requires at least ",
	"requires at most ",
}

func isCobraUsageError(err error) bool {
	msg := err.Error()
	for _, p := range cobraUsagePrefixes {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}
