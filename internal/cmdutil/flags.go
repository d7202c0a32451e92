package cmdutil

import (
	"strconv"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/iostreams"
)

// AddQuietFlag adds -q/--quiet. When set, *target is true and the streams go quiet: no
// progress spinner and no Infof messages on stderr (errors still print). List commands print
// only their primary key (number, ID, name), one per line. usage may be "" for the default.
func AddQuietFlag(cmd *cobra.Command, ios *iostreams.IOStreams, target *bool, usage string) {
	if usage == "" {
		usage = "Print only IDs, one per line; no messages on stderr"
	}
	f := cmd.Flags().VarPF(&quietValue{target: target, ios: ios}, "quiet", "q", usage)
	f.NoOptDefVal = "true"
}

// quietValue is a bool flag that also sets the streams' quiet mode.
type quietValue struct {
	target *bool
	ios    *iostreams.IOStreams
}

func (q *quietValue) String() string {
	if q.target == nil {
		return "false"
	}
	return strconv.FormatBool(*q.target)
}

func (q *quietValue) Set(s string) error {
	v, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	*q.target = v
	q.ios.SetQuiet(v)
	return nil
}

func (q *quietValue) Type() string     { return "bool" }
func (q *quietValue) IsBoolFlag() bool { return true }
