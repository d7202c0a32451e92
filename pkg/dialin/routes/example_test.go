package routes_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
	"github.com/dialin-project/dialin/pkg/dialin/routes"
)

// A routes file planned against the live routes, checked, and written with a Writer, which
// backs the routes up, writes once and reads them back. Against Daily, only the client's
// key and base URL change.
func Example() {
	emu, err := dailytest.Start("127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	emu.SeedPurchased("+14155550100", time.Now().Add(-30*24*time.Hour))
	client := daily.New(emu.APIKey, daily.WithBaseURL(emu.URL))
	ctx := context.Background()

	spec, err := routes.ParseSpec("routes.yaml", []byte(`version: 1
routes:
  - number: "+14155550100"
    url: https://bots.example.com/dialin
    name_prefix: support
`), os.LookupEnv)
	if err != nil {
		log.Fatal(err)
	}

	store := routes.NewDailyStore(client)
	live, err := store.Get(ctx)
	if err != nil {
		log.Fatal(err)
	}
	plan := routes.Plan(live, spec, false)
	owned, err := routes.OwnedNumbers(ctx, client)
	if err != nil {
		log.Fatal(err)
	}
	if err := routes.Validate(plan.Desired, routes.ValidateOptions{OwnedNumbers: owned, Only: plan.ChangedKeys()}); err != nil {
		log.Fatal(err)
	}
	for _, c := range plan.Changes {
		fmt.Println("plan:", c.Action, c.Key)
	}

	stateDir, err := os.MkdirTemp("", "dialin-routes-example")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(stateDir)
	w := &routes.Writer{Store: store,
		Backups:  &routes.BackupDir{Dir: filepath.Join(stateDir, "backups")},
		LockPath: filepath.Join(stateDir, "routes.lock")}
	// Replan plans the file again before each attempt and refuses if the changes are no
	// longer the ones shown above.
	res, err := w.Write(ctx, routes.Replan(spec, false, plan), nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("written:", res.Changed, "attempts:", res.Attempts, "backup kept:", res.Backup != "")
	for _, e := range res.Written {
		fmt.Println("live:", e.PhoneNumber, e.NamePrefix, e.RoomCreationAPI)
	}
	// Output:
	// plan: add +14155550100
	// written: true attempts: 1 backup kept: true
	// live: +14155550100 support https://bots.example.com/dialin
}
