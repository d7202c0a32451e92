package launch

import (
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testbot"
	"github.com/dialin-project/dialin/internal/testkit"
)

// botEnv is the environment of a re-executed test binary acting as the bot.
func botEnv(t *testing.T, extra ...string) (env []string, out string) {
	out = t.TempDir()
	env = append([]string{
		testbot.EnvMode + "=1", testbot.EnvOut + "=" + out, testbot.RaceEnv,
		"DIALIN_WEBHOOK_SECRET=c2VjcmV0", "DAILY_API_KEY=inherited-key", "DIALIN_STALE=1", "KEEP_ME=yes",
	}, extra...)
	return env, out
}

func waitExit(t *testing.T, b *Bot) Exit {
	t.Helper()
	select {
	case e := <-b.Exited:
		return e
	case <-time.After(30 * time.Second):
		t.Fatal("bot did not exit")
	}
	return Exit{}
}

func oneRecord(t *testing.T, dir string) testbot.Record {
	t.Helper()
	recs, err := testbot.Read(dir)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records: %v, %v", recs, err)
	}
	return recs[0]
}

func TestProcessHostileValuesStayLiteral(t *testing.T) {
	t.Parallel()
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	env, _ := botEnv(t)
	p, err := NewProcess(ProcessConfig{
		Argv:   []string{self, "-u", "{room_url}", "-t", "{token}", "-i", "{call_id}", "-d", "{call_domain}", "-s", "{sip_uri}", "--from={from}", "{to}"},
		Env:    env,
		APIURL: "http://127.0.0.1:1/v1", APIKey: "the-key", Patch: "bot",
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range hostileValues() {
		dir := t.TempDir()
		p.base = cleanEnv(append(append([]string(nil), env...), testbot.EnvOut+"="+dir))
		headers := map[string]string{"X-Evil": v, "X-Plain": "ok"}
		call := CallInfo{RoomURL: "https://d.daily.co/room", Token: "tok.en", CallID: "call-1", CallDomain: "dom-1", SIPURI: "r@sip", From: v, To: v + "-to", SIPHeaders: headers}
		b, err := p.Launch(context.Background(), call)
		if err != nil {
			t.Fatalf("value %d: %v", i, err)
		}
		if e := waitExit(t, b); e.Code != 0 {
			t.Fatalf("value %d: bot exit %+v", i, e)
		}
		rec := oneRecord(t, dir)
		want := []string{self, "-u", "https://d.daily.co/room", "-t", "tok.en", "-i", "call-1", "-d", "dom-1", "-s", "r@sip", "--from=" + argSafe(v), argSafe(v + "-to")}
		if !reflect.DeepEqual(rec.Argv, want) {
			t.Errorf("value %d: argv = %.300q", i, rec.Argv)
		}
		if rec.Env["DIALIN_FROM"] != argSafe(v) || rec.Env["DIALIN_TO"] != argSafe(v+"-to") {
			t.Errorf("value %d: env From/To = %.80q / %.80q", i, rec.Env["DIALIN_FROM"], rec.Env["DIALIN_TO"])
		}
		var gotHeaders map[string]string
		if err := json.Unmarshal([]byte(rec.Env["DIALIN_SIP_HEADERS"]), &gotHeaders); err != nil || !reflect.DeepEqual(gotHeaders, headers) {
			t.Errorf("value %d: DIALIN_SIP_HEADERS = %.80q (%v)", i, rec.Env["DIALIN_SIP_HEADERS"], err)
		}
		var stdin CallInfo
		if err := json.Unmarshal([]byte(rec.Stdin), &stdin); err != nil || !reflect.DeepEqual(stdin, call) {
			t.Errorf("value %d: stdin = %.200q (%v)", i, rec.Stdin, err)
		}
	}
}

func TestProcessEnvironment(t *testing.T) {
	t.Parallel()
	self, _ := os.Executable()
	env, out := botEnv(t)
	p, err := NewProcess(ProcessConfig{Argv: []string{self}, Env: env, APIURL: "http://127.0.0.1:1/v1", APIKey: "the-key", Patch: "bot"})
	if err != nil {
		t.Fatal(err)
	}
	call := CallInfo{RoomURL: "u", Token: "t", CallID: "c", CallDomain: "d", SIPURI: "s", From: "f", To: "o"}
	b, err := p.Launch(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	waitExit(t, b)
	rec := oneRecord(t, out)
	want := map[string]string{
		"DIALIN_ROOM_URL": "u", "DIALIN_TOKEN": "t", "DIALIN_CALL_ID": "c", "DIALIN_CALL_DOMAIN": "d",
		"DIALIN_SIP_URI": "s", "DIALIN_FROM": "f", "DIALIN_TO": "o", "DIALIN_SIP_HEADERS": "{}",
		"DIALIN_PATCH": "bot", "DAILY_API_URL": "http://127.0.0.1:1/v1", "DAILY_API_KEY": "the-key",
	}
	if !reflect.DeepEqual(rec.Env, want) {
		t.Errorf("env = %v\nwant %v", rec.Env, want)
	}
	for _, a := range rec.Argv {
		if strings.Contains(a, "the-key") {
			t.Error("the API key is in argv")
		}
	}
	// Without a key configured, the bot gets none, not even serve's inherited one.
	p2, _ := NewProcess(ProcessConfig{Argv: []string{self}, Env: env, Patch: "serve"})
	os.RemoveAll(out)
	os.Mkdir(out, 0o700)
	b, err = p2.Launch(context.Background(), call)
	if err != nil {
		t.Fatal(err)
	}
	waitExit(t, b)
	rec = oneRecord(t, out)
	if _, ok := rec.Env["DAILY_API_KEY"]; ok {
		t.Error("bot got DAILY_API_KEY though none was configured")
	}
	if rec.Env["DIALIN_PATCH"] != "serve" {
		t.Errorf("DIALIN_PATCH = %q", rec.Env["DIALIN_PATCH"])
	}
}

// syncBuffer is a log sink safe for concurrent writes.
type syncBuffer = testkit.SyncBuffer

func TestProcessOutputLoggedAndExitWatched(t *testing.T) {
	t.Parallel()
	self, _ := os.Executable()
	env, _ := botEnv(t, testbot.EnvExit+"=3", testbot.EnvPrint+"=hello with secret-token inside")
	var logs syncBuffer
	p, err := NewProcess(ProcessConfig{Argv: []string{self}, Env: env, Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	b, err := p.Launch(context.Background(), CallInfo{CallID: "call-42", Token: "secret-token"})
	if err != nil {
		t.Fatal(err)
	}
	if b.PID <= 0 {
		t.Fatalf("pid %d", b.PID)
	}
	e := waitExit(t, b)
	if e.Code != 3 || !strings.Contains(e.How, "exit status 3") {
		t.Fatalf("exit = %+v", e)
	}
	if _, open := <-b.Exited; open {
		t.Fatal("Exited not closed after the exit")
	}
	got := logs.String()
	for _, stream := range []string{"stdout", "stderr"} {
		want := `"call_id":"call-42","stream":"` + stream + `","line":"hello with [redacted] inside"`
		if !strings.Contains(got, want) {
			t.Errorf("log lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "secret-token") {
		t.Error("the token reached the log")
	}
}

func TestNewProcessErrors(t *testing.T) {
	t.Parallel()
	for cmd, want := range map[string]string{
		"":                               "empty",
		"no-such-program-dialin-test -x": `program "no-such-program-dialin-test" is not in PATH`,
		"sh -c 'x' > out":                "unquoted '>'",
		"python3 -m bot -u {roomurl}":    "unknown placeholder {roomurl}",
	} {
		_, err := NewProcess(ProcessConfig{Command: cmd})
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewProcess(%q) = %v, want %q", cmd, err, want)
		}
	}
	// A program given by path is checked at start-up too, from the bots' directory.
	dir := t.TempDir()
	bot := filepath.Join(dir, "bot")
	if err := os.WriteFile(bot, []byte("#!/bin/sh\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for cmd, want := range map[string]string{
		"/nonexistent/bot -x": `program "/nonexistent/bot": not found`,
		dir + " -x":           "is a directory",
		bot + " -x":           "not executable",
		"./missing -x":        `program "./missing": not found`,
	} {
		if _, err := NewProcess(ProcessConfig{Command: cmd, Dir: dir}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("NewProcess(%q) = %v, want %q", cmd, err, want)
		}
	}
	if err := os.Chmod(bot, 0o700); err != nil {
		t.Fatal(err)
	}
	p, err := NewProcess(ProcessConfig{Command: "./bot -x", Dir: dir})
	if err != nil {
		t.Fatalf("a relative program in the bots' directory: %v", err)
	}
	// Removed after start-up: the launch fails, and says why.
	if err := os.Remove(bot); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Launch(context.Background(), CallInfo{}); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Fatalf("Launch of a missing program = %v", err)
	}
}

func TestLineLoggerLongAndPartialLines(t *testing.T) {
	t.Parallel()
	var logs syncBuffer
	l := newLineLogger(slog.New(slog.NewJSONHandler(&logs, nil)), "c", "stdout", []string{"SECRET"})
	long := strings.Repeat("x", maxLine-3) + "SECRET" + strings.Repeat("y", 10_000)
	l.Write([]byte("first\r\nsec"))
	l.Write([]byte("ond\n" + long + "\nlast-no-newline"))
	l.Close()
	var lines []string
	for _, rec := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(rec), &m); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, m["line"].(string))
	}
	if len(lines) != 4 || lines[0] != "first" || lines[1] != "second" || lines[3] != "last-no-newline" {
		t.Fatalf("lines = %.100q", lines)
	}
	if strings.Contains(lines[2], "SECRET") || !strings.HasSuffix(lines[2], " [line cut]") || len(lines[2]) > maxLine+len(" [line cut]") {
		t.Fatalf("long line: %d bytes, ends %q", len(lines[2]), lines[2][len(lines[2])-20:])
	}
}
