package devroute

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit/devfixture"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

type env struct {
	srv    *dailytest.Server
	client *daily.Client
	dir    string
	ctx    context.Context
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	for _, n := range []string{prodNumber, otherNumber, bareNumber} {
		srv.SeedPurchased(n, time.Now().Add(-30*24*time.Hour))
	}
	c := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL), daily.WithoutRateLimit())
	var seed []daily.PinlessDialinEntry
	if err := json.Unmarshal([]byte(liveJSON), &seed); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SetPinlessDialin(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	return &env{srv: srv, client: c, dir: t.TempDir(), ctx: context.Background()}
}

// session is a session on number, as a new process would make it.
func (e *env) session(number string) *Session {
	w := routes.DomainWriter(e.dir, routes.NewDailyStore(e.client))
	w.Settle = -1
	return &Session{Writer: w, Dir: filepath.Join(e.dir, "dev"), Number: number}
}

// array is the domain's array, one entry's JSON per key.
func (e *env) array(t *testing.T) map[string]string {
	t.Helper()
	cur, err := routes.NewDailyStore(e.client).Get(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, en := range cur {
		b, _ := en.MarshalJSON()
		out[routes.KeyOf(en).String()] = string(b)
	}
	return out
}

func (e *env) entry(t *testing.T, number string) *daily.PinlessDialinEntry {
	t.Helper()
	s := e.session(number)
	live, err := s.Live(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	return live
}

func sameOthers(t *testing.T, before, after map[string]string, except string) {
	t.Helper()
	for k, v := range before {
		if k != except && after[k] != v {
			t.Errorf("entry %s changed:\n before %s\n after  %s", k, v, after[k])
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok && k != except {
			t.Errorf("entry %s appeared", k)
		}
	}
}

func TestSwapKeepsTheHMACAndRestoreBringsTheEntryBackByteForByte(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.array(t)
	s := e.session(prodNumber)
	shown, _ := s.Live(e.ctx)
	wrote, err := s.Swap(e.ctx, shown, devURL, routes.ValidateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	live := e.entry(t, prodNumber)
	if live.RoomCreationAPI != devURL || live.HMAC != secretProd || wrote.HMAC != secretProd {
		t.Fatalf("during the session: url %q hmac kept %v", live.RoomCreationAPI, live.HMAC == secretProd)
	}
	if live.HoldMusicURL != shown.HoldMusicURL || string(live.Extra["x_future"]) != string(shown.Extra["x_future"]) {
		t.Fatalf("the swap changed more than the URL: %+v", live)
	}
	sameOthers(t, before, e.array(t), prodNumber)
	j, err := LoadJournal(s.JournalPath())
	if err != nil || j.Previous != before[prodNumber] || j.URL != devURL || j.Wrote == "" {
		t.Fatalf("journal %+v, %v", j, err)
	}
	if fi, err := os.Stat(s.JournalPath()); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("journal mode: %v %v", fi.Mode(), err)
	}

	res, err := s.Restore(e.ctx)
	if err != nil || res.Outcome != Restored {
		t.Fatalf("restore: %+v %v", res, err)
	}
	after := e.array(t)
	if after[prodNumber] != before[prodNumber] {
		t.Fatalf("restored entry differs:\n before %s\n after  %s", before[prodNumber], after[prodNumber])
	}
	sameOthers(t, before, after, "")
	if _, err := LoadJournal(s.JournalPath()); !errors.Is(err, ErrNoJournal) {
		t.Fatalf("journal left after a restore: %v", err)
	}
	if _, err := s.Restore(e.ctx); !errors.Is(err, ErrNoJournal) {
		t.Fatalf("a second restore: %v", err)
	}
}

func TestANumberWithoutARouteEndsWithoutOne(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.array(t)
	s := e.session(bareNumber)
	if _, err := s.Swap(e.ctx, nil, devURL, routes.ValidateOptions{}); err != nil {
		t.Fatal(err)
	}
	if live := e.entry(t, bareNumber); live == nil || live.RoomCreationAPI != devURL || live.HMAC == "" {
		t.Fatalf("during the session: %+v", live)
	}
	res, err := s.Restore(e.ctx)
	if err != nil || res.Outcome != Removed {
		t.Fatalf("restore: %+v %v", res, err)
	}
	if live := e.entry(t, bareNumber); live != nil {
		t.Fatalf("the session's entry is still there: %+v", live)
	}
	sameOthers(t, before, e.array(t), "")
}

// TestAnEntryChangedMeanwhileIsLeftAlone: someone points the number elsewhere during the
// session; the restore leaves their entry and reports both.
func TestAnEntryChangedMeanwhileIsLeftAlone(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.session(prodNumber)
	shown, _ := s.Live(e.ctx)
	if _, err := s.Swap(e.ctx, shown, devURL, routes.ValidateOptions{}); err != nil {
		t.Fatal(err)
	}
	theirs := "https://someone-else.example.com/dialin"
	other := e.session(prodNumber)
	if _, err := other.Writer.Write(e.ctx, func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		next, _, err := routes.Upsert(cur, routes.EntryChange{Key: routes.NumberKey(prodNumber), URL: &theirs})
		return next, err
	}, nil); err != nil {
		t.Fatal(err)
	}
	mid := e.array(t)
	res, err := s.Restore(e.ctx)
	if err != nil || res.Outcome != ChangedMeanwhile {
		t.Fatalf("restore: %+v %v", res, err)
	}
	if res.Live == nil || res.Live.RoomCreationAPI != theirs || res.Previous == nil || res.Previous.RoomCreationAPI != "https://prod.example.com/dialin" {
		t.Fatalf("the result does not name both entries: %+v", res)
	}
	if after := e.array(t); after[prodNumber] != mid[prodNumber] {
		t.Fatalf("the other writer's entry was touched: %s", after[prodNumber])
	}
}

// TestACrashBeforeTheReadBackStillRestores: the journal of a session killed between the
// write and its read-back has no Wrote; the previous entry with the session's URL is
// recognised as the session's.
func TestACrashBeforeTheReadBackStillRestores(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.array(t)
	s := e.session(prodNumber)
	shown, _ := s.Live(e.ctx)
	if _, err := s.Swap(e.ctx, shown, devURL, routes.ValidateOptions{}); err != nil {
		t.Fatal(err)
	}
	j, _ := LoadJournal(s.JournalPath())
	j.Wrote = ""
	if err := j.Save(s.JournalPath()); err != nil {
		t.Fatal(err)
	}
	res, err := e.session(prodNumber).Restore(e.ctx) // a new process
	if err != nil || res.Outcome != Restored {
		t.Fatalf("restore: %+v %v", res, err)
	}
	if after := e.array(t); after[prodNumber] != before[prodNumber] {
		t.Fatalf("restored entry differs:\n before %s\n after  %s", before[prodNumber], after[prodNumber])
	}
}

// TestSwapRefusesAnEntryChangedSinceShown: the user agreed to replace one entry; another
// writer changed it meanwhile, so nothing is written and no journal is left.
func TestSwapRefusesAnEntryChangedSinceShown(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	s := e.session(prodNumber)
	shown, _ := s.Live(e.ctx)
	stale := *shown
	stale.RoomCreationAPI = "https://stale.example.com/dialin"
	before := e.array(t)
	_, err := s.Swap(e.ctx, &stale, devURL, routes.ValidateOptions{})
	if err == nil || !strings.Contains(err.Error(), "changed by someone else") {
		t.Fatalf("got %v", err)
	}
	sameOthers(t, before, e.array(t), "")
	if _, err := LoadJournal(s.JournalPath()); !errors.Is(err, ErrNoJournal) {
		t.Fatalf("a refused swap left a journal: %v", err)
	}
}

func TestTwoSessionsOnOneNumberRefuseEachOther(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	release, err := e.session(prodNumber).Lock()
	if err != nil {
		t.Fatal(err)
	}
	var busy *BusyError
	if _, err := e.session(prodNumber).Lock(); !errors.As(err, &busy) || !strings.Contains(err.Error(), prodNumber) {
		t.Fatalf("second session: %v", err)
	}
	other, err := e.session(otherNumber).Lock()
	if err != nil {
		t.Fatalf("a session on another number: %v", err)
	}
	other()
	release()
	again, err := e.session(prodNumber).Lock()
	if err != nil {
		t.Fatalf("after the first ended: %v", err)
	}
	again()
}

// The fixture's names, short for these tests.
const (
	prodNumber, otherNumber, bareNumber = devfixture.ProdNumber, devfixture.OtherNumber, devfixture.BareNumber
	secretProd, secretOther             = devfixture.SecretProd, devfixture.SecretOther
	liveJSON                            = devfixture.LiveJSON
	devURL                              = "https://dev-tunnel.example.com/dialin"
)
