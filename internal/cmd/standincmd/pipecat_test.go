package standincmd

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

const testCloudKey = "pk_cmd_test_secret"

// servePipecat runs a stand-in command until the test ends and returns its URL and a
// function that stops it and returns its error.
func servePipecat(t *testing.T, env *cmdtest.Env, build func(runF func(*PipecatOptions) error) *cobra.Command, args ...string) (string, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	urls := make(chan string, 1)
	done := make(chan error, 1)
	cmd := build(func(o *PipecatOptions) error {
		o.ready = func(u string) { urls <- u }
		return runPipecat(ctx, o)
	})
	cmd.SetArgs(args)
	cmd.SilenceUsage, cmd.SilenceErrors = true, true
	go func() { done <- cmd.ExecuteContext(ctx) }()
	var once sync.Once
	var stopErr error
	stop := func() error {
		once.Do(func() {
			cancel()
			select {
			case stopErr = <-done:
			case <-time.After(10 * time.Second):
				t.Error("the stand-in did not stop")
			}
		})
		return stopErr
	}
	t.Cleanup(func() { _ = stop() })
	select {
	case u := <-urls:
		return u, stop
	case err := <-done:
		t.Fatalf("the stand-in stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the stand-in never listened")
	}
	return "", nil
}

func TestStandinPipecatRunnerConnectsADialinCall(t *testing.T) {
	env := cmdtest.New(t, dailytest.WithoutRateLimit())
	url, stop := servePipecat(t, env, func(runF func(*PipecatOptions) error) *cobra.Command {
		return NewCmdStandinPipecatRunner(env.Factory, runF)
	}, "--dialin", "--talk-time", "1m")
	srv := env.Server
	client := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL), daily.WithoutRateLimit())
	number := "+14155550124"
	srv.SeedPurchased(number, time.Now().Add(-24*time.Hour))
	if _, err := client.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{{PhoneNumber: number, RoomCreationAPI: url + "/daily-dialin-webhook"}}); err != nil {
		t.Fatal(err)
	}
	id, err := srv.PlaceCall(dailytest.CallSpec{To: number, From: "+15550003333"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if rec, err := srv.WaitCall(ctx, id, "connected", "lost", "dropped"); err != nil || rec.State != "connected" {
		t.Fatalf("call %s: %v", rec.State, err)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(env.Out.String()) != url {
		t.Fatalf("stdout %q, want the URL %s", env.Out, url)
	}
	if strings.Contains(env.ErrOut.String(), srv.APIKey) {
		t.Fatal("the Daily key was logged")
	}
}

func TestStandinPipecatCloudChecksTheKey(t *testing.T) {
	t.Setenv(EnvPipecatCloudKey, testCloudKey)
	env := cmdtest.New(t)
	url, stop := servePipecat(t, env, func(runF func(*PipecatOptions) error) *cobra.Command {
		return NewCmdStandinPipecatCloud(env.Factory, runF)
	}, "--agent", "my-agent", "--max-sessions", "1")
	for key, want := range map[string]int{"pk_wrong": 401, testCloudKey: 200} {
		data, _ := json.Marshal(map[string]any{"createDailyRoom": true})
		req, _ := http.NewRequest("POST", url+"/public/my-agent/start", bytes.NewReader(data))
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("key %s: %d, want %d", key, resp.StatusCode, want)
		}
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if env.Out.String() != "export PIPECAT_CLOUD_API_URL="+url+"\n" {
		t.Fatalf("stdout %q", env.Out)
	}
	if out := env.Out.String() + env.ErrOut.String(); strings.Contains(out, testCloudKey) || strings.Contains(out, env.Server.APIKey) {
		t.Fatal("a key was printed")
	}
}

func TestStandinPipecatFlags(t *testing.T) {
	t.Setenv(EnvPipecatCloudKey, "")
	env := cmdtest.New(t)
	noRun := func(*PipecatOptions) error { return nil }
	cases := []struct {
		cmd  *cobra.Command
		args []string
		want string
	}{
		{NewCmdStandinPipecatRunner(env.Factory, noRun), []string{"--addr", "0.0.0.0:7860"}, "--addr: must be a loopback"},
		{NewCmdStandinPipecatRunner(env.Factory, noRun), []string{"--addr", "7860"}, "--addr: must be a loopback"},
		{NewCmdStandinPipecatCloud(env.Factory, noRun), []string{"--max-sessions", "0"}, "--max-sessions: must be at least 1"},
	}
	for _, c := range cases {
		if err := cmdtest.Exec(c.cmd, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	// No key in the environment: the Cloud stand-in refuses to start.
	cmd := NewCmdStandinPipecatCloud(env.Factory, noRun)
	if err := cmdtest.Exec(cmd); err == nil || !strings.Contains(err.Error(), EnvPipecatCloudKey+" must hold") {
		t.Errorf("no key: %v", err)
	}
}
