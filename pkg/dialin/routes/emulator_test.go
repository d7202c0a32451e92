package routes

import (
	"context"
	"testing"
	"time"

	"github.com/dialin-project/dialin/internal/testkit"
	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// liveNumbers are the numbers liveJSON routes plus spare ones the tests add.
var liveNumbers = []string{"+14155550100", "+14155550101", "+14155550150", "+14155550151",
	"+14155550152", "+14155550153", "+14155550154", "+14155550155", "+14155550156", "+14155550157", "+14155550177"}

// testEnv is an emulator seeded with liveJSON, a real client and a Writer on it.
type testEnv struct {
	srv    *dailytest.Server
	client *daily.Client
	store  Store
	writer *Writer
	ctx    context.Context
}

func newEnv(t *testing.T) *testEnv {
	t.Helper()
	srv := dailytest.New(t, dailytest.WithoutRateLimit())
	for _, n := range liveNumbers {
		srv.SeedPurchased(n, time.Now().Add(-30*24*time.Hour))
	}
	c := daily.New(srv.APIKey, daily.WithBaseURL(srv.URL), daily.WithoutRateLimit())
	ctx := context.Background()
	if _, err := c.SetPinlessDialin(ctx, entries(t, liveJSON)); err != nil {
		t.Fatalf("seed routes: %v", err)
	}
	dir := t.TempDir()
	store := NewDailyStore(c)
	w := &Writer{
		Store:    store,
		Backups:  &BackupDir{Dir: dir + "/backups"},
		LockPath: dir + "/routes.lock",
		Sleep:    func(context.Context, time.Duration) error { return nil },
		Settle:   -1, // settle_test.go tests the check after a write; these count the retries' pauses
		// A stopped clock: a write's round takes no time, so a settle sleeps Settle to twice it.
		Now: func() time.Time { return time.Time{} },
	}
	return &testEnv{srv: srv, client: c, store: store, writer: w, ctx: ctx}
}

// live is the emulator's array, keyed by route key, as generic JSON.
func (e *testEnv) live(t *testing.T) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, m := range e.srv.PinlessDialin() {
		k, _ := m["phone_number"].(string)
		if k == "" {
			k = "sip:" + m["name_prefix"].(string)
		}
		out[k] = m
	}
	return out
}

// upsert is a mutate that sets one number's webhook.
func upsert(number, url string) func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	return func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		next, _, err := Upsert(cur, EntryChange{Key: NumberKey(number), URL: &url})
		return next, err
	}
}

func TestWriteKeepsUnknownFieldsAndEveryOtherEntry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.live(t)
	res, err := e.writer.Write(e.ctx, upsert("+14155550101", "https://new.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Changed || res.Attempts != 1 || res.Recomputed != 0 || res.Backup == "" {
		t.Errorf("result = %+v", res)
	}
	after := e.live(t)
	if len(after) != 3 {
		t.Fatalf("%d entries after the write", len(after))
	}
	for _, k := range []string{"+14155550100", "sip:ci-trunk"} {
		if !testkit.SameJSON(before[k], after[k]) {
			t.Errorf("entry %s changed:\n%v\n%v", k, before[k], after[k])
		}
	}
	if !testkit.SameJSON(after["+14155550100"]["x_future"], map[string]any{"b": 2, "a": []any{1, 2}}) {
		t.Errorf("unknown field lost: %v", after["+14155550100"])
	}
	changed := after["+14155550101"]
	if changed["room_creation_api"] != "https://new.example.com/dialin" || changed["hmac"] != secretB ||
		changed["sip_uri"] != before["+14155550101"]["sip_uri"] || changed["hold_music_url"] != "https://cdn.example.com/hold.mp3" {
		t.Errorf("updated entry = %v", changed)
	}
}

func TestWriteNeverRotatesSecrets(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	steps := []func([]daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error){
		upsert("+14155550150", "https://n.example.com/dialin"), // new, no hmac: Daily generates one
		upsert("+14155550100", "https://a3.example.com/dialin"),
		func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
			next, _, err := Remove(cur, SIPKey("ci-trunk"))
			return next, err
		},
		upsert("+14155550151", "https://m.example.com/dialin"),
	}
	var generated string
	for i, step := range steps {
		if _, err := e.writer.Write(e.ctx, step, nil); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		live := e.live(t)
		if live["+14155550100"]["hmac"] != secretA || live["+14155550101"]["hmac"] != secretB {
			t.Fatalf("step %d rotated a secret", i)
		}
		if i == 0 {
			generated, _ = live["+14155550150"]["hmac"].(string)
			if generated == "" {
				t.Fatal("Daily did not generate a secret for the new entry")
			}
		} else if live["+14155550150"]["hmac"] != generated {
			t.Fatalf("step %d rotated the secret Daily generated", i)
		}
	}
}

func TestWriteRecomputesWhenTheRoutesChangeBetweenReadAndWrite(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	calls := 0
	mutate := func(cur []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
		calls++
		if calls == 1 { // another writer slips in after our read
			other, _, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550152"), URL: ptr("https://other.example.com/dialin")})
			if err != nil {
				return nil, err
			}
			if _, err := e.client.SetPinlessDialin(e.ctx, other); err != nil {
				return nil, err
			}
		}
		next, _, err := Upsert(cur, EntryChange{Key: NumberKey("+14155550153"), URL: ptr("https://ours.example.com/dialin")})
		return next, err
	}
	res, err := e.writer.Write(e.ctx, mutate, nil)
	if err != nil {
		t.Fatal(err)
	}
	live := e.live(t)
	if calls != 2 || res.Recomputed != 1 || live["+14155550152"] == nil || live["+14155550153"] == nil || len(live) != 5 {
		t.Errorf("calls %d, result %+v, live has %d entries", calls, res, len(live))
	}
}

// clobberStore is the real store, with another writer that overwrites the routes right after
// each of our first n writes (as a process on another machine would).
type clobberStore struct {
	Store
	client *daily.Client
	n      int
	sets   int
}

func (s *clobberStore) Set(ctx context.Context, es []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	out, err := s.Store.Set(ctx, es)
	s.sets++
	if err == nil && s.sets <= s.n {
		cur, _ := s.Store.Get(ctx)
		// The other writer read before our write and puts its own stale array back.
		stale, _, _ := Remove(cur, NumberKey("+14155550154"))
		if _, err := s.client.SetPinlessDialin(ctx, stale); err != nil {
			return nil, err
		}
	}
	return out, err
}

func TestWriteVerifiesAfterWritingAndRetries(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writer.Store = &clobberStore{Store: e.store, client: e.client, n: 1}
	var pauses []time.Duration
	e.writer.Sleep = func(_ context.Context, d time.Duration) error { pauses = append(pauses, d); return nil }
	res, err := e.writer.Write(e.ctx, upsert("+14155550154", "https://x.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 2 || len(pauses) != 1 || pauses[0] < 50*time.Millisecond || pauses[0] > 100*time.Millisecond {
		t.Errorf("result %+v, pauses %v", res, pauses)
	}
	if e.live(t)["+14155550154"] == nil {
		t.Error("the route is missing after a successful write")
	}
}

func TestWriteGivesUpWithTheBackupPath(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	before := e.live(t)
	e.writer.Store = &clobberStore{Store: e.store, client: e.client, n: 100}
	e.writer.MaxAttempts = 3
	res, err := e.writer.Write(e.ctx, upsert("+14155550154", "https://x.example.com/dialin"), nil)
	var we *WriteError
	if !asWriteError(err, &we) || we.Attempts != 3 || we.Backup == "" {
		t.Fatalf("err = %v", err)
	}
	want := "routes not written after 3 attempt(s): route +14155550154 is missing after the write; the routes as they were before are saved in " + we.Backup
	if err.Error() != want {
		t.Errorf("error:\n got %s\nwant %s", err, want)
	}
	saved, err := e.writer.Backups.Load(we.Backup)
	if err != nil || len(saved) != len(before) || res == nil {
		t.Fatalf("backup %s: %d entries, %v", we.Backup, len(saved), err)
	}
}

func asWriteError(err error, target **WriteError) bool {
	we, ok := err.(*WriteError)
	*target = we
	return ok
}

// failingSetStore makes Daily answer the next write with status, once.
type failingSetStore struct {
	Store
	srv    *dailytest.Server
	status int
	done   bool
}

func (s *failingSetStore) Set(ctx context.Context, es []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	if !s.done {
		s.done = true
		s.srv.FailNext(s.status, 1)
	}
	return s.Store.Set(ctx, es)
}

func TestWriteRetriesAServerErrorAfterCheckingWhatLanded(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.writer.Store = &failingSetStore{Store: e.store, srv: e.srv, status: 503}
	res, err := e.writer.Write(e.ctx, upsert("+14155550155", "https://x.example.com/dialin"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Attempts != 2 || e.live(t)["+14155550155"] == nil || e.srv.Count("POST", "/") != 2+1 {
		t.Errorf("result %+v, POSTs %d", res, e.srv.Count("POST", "/"))
	}
}

func TestWriteStopsOnARefusal(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	// Daily refuses a number the domain does not own: retrying cannot help.
	res, err := e.writer.Write(e.ctx, upsert("+14155550199", "https://x.example.com/dialin"), nil)
	var we *WriteError
	if !asWriteError(err, &we) || we.Attempts != 1 || we.Backup == "" || res.Changed {
		t.Fatalf("err = %v", err)
	}
	if n := e.srv.Count("POST", "/"); n != 2 {
		t.Errorf("%d POSTs; a refused write must not be retried", n)
	}
}

func TestWriteOfNoChangeWritesNothing(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	res, err := e.writer.Write(e.ctx, upsert("+14155550100", "https://a.example.com/dialin"), nil)
	if err != nil || res.Changed || res.Backup != "" || e.srv.Count("POST", "/") != 1 {
		t.Fatalf("res %+v, err %v, POSTs %d", res, err, e.srv.Count("POST", "/"))
	}
	list, _ := e.writer.Backups.List()
	if len(list) != 0 {
		t.Errorf("%d backups for a write that did nothing", len(list))
	}
}
