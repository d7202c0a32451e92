package benchcmd

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/bench"
	"github.com/dialin-project/dialin/internal/cmdutil"
	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
)

func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	env := cmdtest.New(t)
	var got *Options
	err := cmdtest.Exec(NewCmdBench(env.Factory, func(o *Options) error { got = o; return nil }), args...)
	return got, err
}

func TestBenchFlags(t *testing.T) {
	t.Parallel()
	o, err := parse(t)
	if err != nil {
		t.Fatal(err)
	}
	def := bench.Defaults()
	if o.Config.Rate != def.Rate || o.Config.Steady != def.Steady || o.Config.Burst != def.Burst || o.Config.Latency != 50*time.Millisecond ||
		o.Config.BotStartup != 1500*time.Millisecond || o.Config.Quick || o.Config.Dialin == "" || len(o.Config.Systems) != len(bench.AllSystems) {
		t.Errorf("defaults: %+v", o.Config)
	}
	if o.Config.Replicas != 1 || o.Config.State != "memory" {
		t.Errorf("replicas %d, state %q; want 1 and memory", o.Config.Replicas, o.Config.State)
	}
	if o, err := parse(t, "--replicas", "3", "--state", "redis://127.0.0.1:6379/0"); err != nil || o.Config.Replicas != 3 || o.Config.State != "redis://127.0.0.1:6379/0" {
		t.Errorf("--replicas 3 --state: %v %+v", err, o)
	}
	o, err = parse(t, "--quick", "--burst", "50", "--latency", "20ms", "--systems", "serve-warm", "--json", "--seed-runner", "/x/seed.py")
	if err != nil {
		t.Fatal(err)
	}
	q := bench.QuickDefaults()
	if !o.Config.Quick || o.Config.Steady != q.Steady || o.Config.Burst != 50 || o.Config.Latency != 20*time.Millisecond ||
		strings.Join(o.Config.Systems, ",") != "serve-warm" || o.Exporter == nil || o.Config.SeedRunner != "/x/seed.py" {
		t.Errorf("--quick with flags: %+v", o.Config)
	}
	if o.Config.CPUProfile {
		t.Errorf("--cpu-profile is on without the flag")
	}
	if o, err := parse(t, "--quick", "--cpu-profile"); err != nil || !o.Config.CPUProfile {
		t.Errorf("--quick --cpu-profile: %v %+v", err, o)
	}
}

func TestBenchFlagErrors(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--rate", "0"}, "--rate: must be above 0"},
		{[]string{"--burst", "-3"}, "--burst: must be between 0 and 1000"},
		{[]string{"--systems", "nginx"}, `--systems: "nginx" is not one of`},
		{[]string{"--bot-startup", "2m"}, "--bot-startup: must be between 0 and 1m"},
		{[]string{"--hold", "-1"}, "--hold: must be between 1 and 5000"},
		{[]string{"--steady", "0", "--burst", "0"}, "--steady, --burst: at least one phase"},
		{[]string{"--replicas", "2"}, "--replicas: more than one needs a shared state: give --state redis://"},
		{[]string{"--replicas", "0", "--state", "redis://127.0.0.1:6379/0"}, "--replicas: must be between 1 and 16"},
		{[]string{"--state", "http://127.0.0.1:6379"}, `--state: scheme "http": want redis:// or rediss://`},
		{[]string{"--state", "redis://:pw@127.0.0.1:6379"}, "--state: the URL must not hold the password"},
	} {
		_, err := parse(t, c.args...)
		var fe *cmdutil.FlagError
		if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want a usage error with %q", c.args, err, c.want)
		}
	}
}
