package dev

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/devroute"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

func sameArray(t *testing.T, before, after map[string]string) {
	t.Helper()
	if len(before) != len(after) {
		t.Errorf("%d entries before, %d after", len(before), len(after))
	}
	for k, v := range before {
		if after[k] != v {
			t.Errorf("entry %s:\n before %s\n after  %s", k, v, after[k])
		}
	}
}

// TestACallReachesTheBotThroughTheTunnel: the number's route points at the tunnel with the
// same hmac, a call placed on the emulator reaches the stand-in bot through the tunnel and
// connects, one line per event is printed, and Ctrl-C puts production back byte for byte.
func TestACallReachesTheBotThroughTheTunnel(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	orig := w.array(t)
	s := w.start(t, "--number", prodNumber, "--allow-http", "--bot-cmd", botCmd(t))

	live := w.entry(t, prodNumber)
	if live.RoomCreationAPI != s.url || !strings.HasSuffix(s.url, "/dialin") || live.HMAC != secretProd {
		t.Fatalf("during the session: url %q (want %q), hmac kept: %v", live.RoomCreationAPI, s.url, live.HMAC == secretProd)
	}
	others, during := maps.Clone(orig), w.array(t)
	delete(others, prodNumber)
	delete(during, prodNumber)
	sameArray(t, others, during) // the other entries, untouched

	id, err := w.Server.PlaceCall(dailytest.CallSpec{To: prodNumber, From: "+15550001111"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), testkit.Patience)
	defer cancel()
	rec, err := w.Server.WaitCall(ctx, id, "connected", "lost", "dropped")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := rec.At("connected"); !ok {
		t.Fatalf("call not connected: %s %+v\n%s", rec.State, rec.Timeline, s.errOut)
	}
	if s.tunnel.Requests() == 0 {
		t.Fatal("the webhook did not go through the tunnel")
	}
	testkit.Eventually(t, "the bot to exit", func() bool { return strings.Contains(s.errOut.String(), "bot_exited") })
	if err := s.stop(); err != nil {
		t.Fatalf("Ctrl-C: %v\n%s", err, s.errOut)
	}
	sameArray(t, orig, w.array(t))
	out := s.errOut.String()
	for _, want := range []string{
		prodNumber + "'s route now: {",
		`"hmac":"(sensitive value)"`,
		"now rings this machine: " + s.url + " (hmac kept)",
		id[:8] + "  received ",
		id[:8] + "  bot_started ",
		"Put back " + prodNumber + "'s route: " + prodURL + " (as it was, byte for byte)",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, secretProd) || strings.Contains(out, w.Server.APIKey) {
		t.Fatalf("a secret was printed:\n%s", out)
	}
	if j := stateJournals(t, w.state); len(j) != 0 {
		t.Fatalf("journal left after a clean exit: %v", j)
	}
}

// TestEveryWayOutRestores: the tunnel dropping, the bot failing to start, and Ctrl-C each
// end the session with production back byte for byte.
func TestEveryWayOutRestores(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		bot     string
		end     func(t *testing.T, w *world, s *session) error
		wantErr string
	}{
		"tunnel drops": {end: func(t *testing.T, w *world, s *session) error {
			s.tunnel.Drop()
			return s.wait()
		}, wantErr: "the tunnel dropped"},
		"bot fails to start": {bot: "--bot-url", end: func(t *testing.T, w *world, s *session) error {
			if _, err := w.Server.PlaceCall(dailytest.CallSpec{To: prodNumber, From: "+15550001111"}); err != nil {
				t.Fatal(err)
			}
			return s.wait()
		}, wantErr: "the bot failed to start"},
		"Ctrl-C": {end: func(t *testing.T, w *world, s *session) error { return s.stop() }},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t)
			before := w.array(t)
			bot := []string{"--bot-cmd", botCmd(t)}
			if tc.bot == "--bot-url" { // a bot runner that refuses every call
				runner := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
					http.Error(w, "bot image missing", http.StatusInternalServerError)
				}))
				t.Cleanup(runner.Close)
				bot = []string{"--bot-url", runner.URL + "/start"}
			}
			s := w.start(t, append([]string{"--number", prodNumber, "--allow-http"}, bot...)...)
			err := tc.end(t, w, s)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("dev ended with %v, want %q\n%s", err, tc.wantErr, s.errOut)
			}
			sameArray(t, before, w.array(t))
			if !strings.Contains(s.errOut.String(), "Put back "+prodNumber+"'s route") {
				t.Errorf("no restore reported:\n%s", s.errOut)
			}
		})
	}
}

// TestABotThatCannotStartEndsTheSession: serve cannot start the bot program; the session
// ends as soon as serve does, with production back.
func TestABotThatCannotStartEndsTheSession(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.array(t)
	s, _ := w.run(t, "--number", prodNumber, "--allow-http", "--bot-cmd", "/nonexistent/dialin-test-bot -i {call_id}")
	if err := s.wait(); err == nil || !strings.Contains(err.Error(), `"/nonexistent/dialin-test-bot": not found`) {
		t.Fatalf("dev ended with %v\n%s", err, s.errOut)
	}
	sameArray(t, before, w.array(t))
	if !strings.Contains(s.errOut.String(), "Put back "+prodNumber+"'s route") {
		t.Errorf("no restore reported:\n%s", s.errOut)
	}
}

func TestANumberWithoutARouteEndsWithoutOne(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	before := w.array(t)
	s := w.start(t, "--number", bareNumber, "--allow-http", "--bot-cmd", botCmd(t))
	if e := w.entry(t, bareNumber); e == nil || e.RoomCreationAPI != s.url {
		t.Fatalf("during the session: %+v", e)
	}
	if err := s.stop(); err != nil {
		t.Fatal(err)
	}
	if e := w.entry(t, bareNumber); e != nil {
		t.Fatalf("the session's route outlived it: %+v", e)
	}
	sameArray(t, before, w.array(t))
	if !strings.Contains(s.errOut.String(), "Removed the session's route of "+bareNumber+" (it had none before)") {
		t.Errorf("stderr:\n%s", s.errOut)
	}
}

// TestARouteChangedMeanwhileIsLeftAlone: someone points the number elsewhere during the
// session; dev leaves it, says so, shows both entries and exits with an error.
func TestARouteChangedMeanwhileIsLeftAlone(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	s := w.start(t, "--number", prodNumber, "--allow-http", "--bot-cmd", botCmd(t))
	theirs := "https://hotfix.example.com/dialin"
	wr := routes.DomainWriter(t.TempDir(), routes.NewDailyStore(w.client))
	if _, err := wr.Write(context.Background(), func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		next, _, err := routes.Upsert(cur, routes.EntryChange{Key: routes.NumberKey(prodNumber), URL: &theirs})
		return next, err
	}, nil); err != nil {
		t.Fatal(err)
	}
	mid := w.array(t)
	err := s.stop()
	if err == nil || !strings.Contains(err.Error(), "not restored: it was changed during the session") {
		t.Fatalf("dev ended with %v", err)
	}
	sameArray(t, mid, w.array(t))
	out := s.errOut.String()
	for _, want := range []string{"was changed by someone else during the session; left as it is.", "  now:    {", theirs, "  before: {", prodURL} {
		if !strings.Contains(out, want) {
			t.Errorf("stderr lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, secretProd) {
		t.Fatalf("a secret was printed:\n%s", out)
	}
}

func TestTwoSessionsOnOneNumberRefuseEachOther(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	first := w.start(t, "--number", prodNumber, "--allow-http", "--bot-cmd", botCmd(t))
	second, _ := w.run(t, "--number", prodNumber, "--allow-http", "--bot-cmd", botCmd(t))
	var busy *devroute.BusyError
	if err := second.wait(); !errors.As(err, &busy) {
		t.Fatalf("the second session: %v", err)
	}
	if e := w.entry(t, prodNumber); e.RoomCreationAPI != first.url {
		t.Fatalf("the second session changed the route: %s", e.RoomCreationAPI)
	}
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	if e := w.entry(t, prodNumber); e.RoomCreationAPI != prodURL {
		t.Fatalf("not restored: %s", e.RoomCreationAPI)
	}
}
