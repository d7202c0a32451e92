package complete

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/spf13/cobra"

	"github.com/dialin-project/dialin/internal/cmdutil/cmdtest"
	"github.com/dialin-project/dialin/pkg/daily"
)

// run calls fn as cobra would for `cmd <Tab>` with toComplete typed so far.
func run(t *testing.T, fn cobra.CompletionFunc, cmd *cobra.Command, toComplete string) []cobra.Completion {
	t.Helper()
	cmd.SetContext(context.Background())
	got, directive := fn(cmd, nil, toComplete)
	if directive != cobra.ShellCompDirectiveNoFileComp {
		t.Fatalf("directive = %v, want ShellCompDirectiveNoFileComp (never offer files)", directive)
	}
	return got
}

func wantCompletions(t *testing.T, got []cobra.Completion, want ...cobra.Completion) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Fatalf("completions = %q, want %q", got, want)
	}
}

func TestPurchasedNumbers(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	bought := time.Now().Add(-30 * 24 * time.Hour)
	env.Server.SeedPurchased("+14155550100", bought)
	env.Server.SeedPurchased("+14155550101", bought)
	env.Server.SeedPurchased("+12125550199", bought)

	got := run(t, PurchasedNumbers(env.Factory), &cobra.Command{}, "+1415")
	slices.Sort(got)
	wantCompletions(t, got, "+14155550100", "+14155550101")
	if all := run(t, PurchasedNumbers(env.Factory), &cobra.Command{}, ""); len(all) != 3 {
		t.Fatalf("empty prefix: %q, want all 3 numbers", all)
	}
}

func TestRoomNames(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	c := env.Client(t)
	for _, name := range []string{"support-line", "support-bot", "sales"} {
		if _, err := c.CreateRoom(context.Background(), daily.CreateRoomRequest{Name: name}); err != nil {
			t.Fatal(err)
		}
	}
	got := run(t, RoomNames(env.Factory), &cobra.Command{}, "supp")
	slices.Sort(got)
	wantCompletions(t, got, "support-bot\tpublic", "support-line\tpublic")

	// `rooms delete support-bot <Tab>` does not offer support-bot again.
	cmd := &cobra.Command{}
	cmd.SetContext(context.Background())
	got, _ = RoomNames(env.Factory)(cmd, []string{"support-bot"}, "")
	slices.Sort(got)
	wantCompletions(t, got, "sales\tpublic", "support-line\tpublic")
}

func TestRouteNumbersPinlessArray(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	c := env.Client(t)
	env.Server.SeedPurchased("+14155550100", time.Now())
	env.Server.SeedPurchased("+14155550101", time.Now())
	_, err := c.SetPinlessDialin(context.Background(), []daily.PinlessDialinEntry{
		{PhoneNumber: "+14155550100", RoomCreationAPI: "https://bots.example.com/a", NamePrefix: "support"},
		{NamePrefix: "sip-only", RoomCreationAPI: "https://bots.example.com/sip"},
	})
	if err != nil {
		t.Fatal(err)
	}
	// +14155550101 is owned but has no route; the SIP entry has no number.
	wantCompletions(t, run(t, RouteNumbers(env.Factory), &cobra.Command{}, ""), "+14155550100\tsupport")
	if n := env.Server.Count("GET", "/domain-dialin-config"); n != 0 {
		t.Fatalf("without --api configs, GET /domain-dialin-config was called %d times", n)
	}
}

func TestRouteNumbersConfigsAPI(t *testing.T) {
	t.Parallel()
	env := cmdtest.New(t)
	c := env.Client(t)
	env.Server.SeedPurchased("+14155550102", time.Now())
	for _, req := range []daily.DialinConfigRequest{
		{Type: "pinless_dialin", PhoneNumber: "+14155550102", RoomCreationAPI: "https://bots.example.com/b", NamePrefix: "sales"},
		{Type: "pinless_dialin", NamePrefix: "sip-only", RoomCreationAPI: "https://bots.example.com/sip"},
	} {
		if _, err := c.CreateDialinConfig(context.Background(), req); err != nil {
			t.Fatal(err)
		}
	}
	env.Server.ResetRequests()

	cmd := &cobra.Command{}
	cmd.Flags().String("api", "", "")
	if err := cmd.Flags().Set("api", "configs"); err != nil {
		t.Fatal(err)
	}
	wantCompletions(t, run(t, RouteNumbers(env.Factory), cmd, "+1"), "+14155550102\tsales")
	// --api configs reads where `routes ... --api configs` writes, not the domain's array.
	if configs, domain := env.Server.Count("GET", "/domain-dialin-config"), env.Server.Count("GET", "/"); configs == 0 || domain != 0 {
		t.Fatalf("GET /domain-dialin-config %d times and GET / %d times, want >0 and 0", configs, domain)
	}
}

func TestLookupGivesUpAfterTimeout(t *testing.T) { // serial: it sets the package's timeout
	env := cmdtest.New(t)
	env.Server.SeedPurchased("+14155550100", time.Now())
	env.Server.SetLatency(500 * time.Millisecond)
	defer func(d time.Duration) { timeout = d }(timeout)
	timeout = 20 * time.Millisecond

	// The number exists, so any answer but none means the lookup outlived its timeout.
	wantCompletions(t, run(t, PurchasedNumbers(env.Factory), &cobra.Command{}, ""))
}

func TestNoKeyCompletesNothing(t *testing.T) {
	t.Parallel()
	env := cmdtest.NewWithoutKey(t)
	wantCompletions(t, run(t, RoomNames(env.Factory), &cobra.Command{}, ""))
	if n := env.Server.Count("GET", "/rooms"); n != 0 {
		t.Fatalf("%d requests without a key, want none", n)
	}
}

func TestCandidateKeepsTheProtocolIntact(t *testing.T) {
	t.Parallel()
	if got := candidate("+14155550100", "main\tline\nsecond"); got != "+14155550100\tmain line second" {
		t.Fatalf("candidate = %q", got)
	}
	if got := candidate("room", "  "); got != "room" {
		t.Fatalf("candidate without description = %q", got)
	}
}
