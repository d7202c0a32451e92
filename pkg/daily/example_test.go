package daily_test

import (
	"context"
	"fmt"
	"log"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/daily/dailytest"
)

// A client on the emulator: search the numbers for sale, buy one, and route its calls to a
// bot's webhook. Against Daily, leave out WithBaseURL and pass a real API key.
func Example() {
	emu, err := dailytest.Start("127.0.0.1:0",
		dailytest.WithAvailableNumbers("+14155550100", "+12125550100"))
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()

	ctx := context.Background()
	client := daily.New(emu.APIKey, daily.WithBaseURL(emu.URL))

	found, err := client.SearchNumbers(ctx, daily.NumberSearch{AreaCode: "415"})
	if err != nil {
		log.Fatal(err)
	}
	for _, n := range found {
		fmt.Println("for sale:", n.Number, n.Region)
	}

	bought, err := client.BuyNumber(ctx, found[0].Number)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("bought:", bought.Number)

	_, err = client.SetPinlessDialin(ctx, []daily.PinlessDialinEntry{{
		PhoneNumber:     bought.Number,
		RoomCreationAPI: "https://bots.example.com/dialin",
	}})
	if err != nil {
		log.Fatal(err)
	}
	domain, err := client.Domain(ctx)
	if err != nil {
		log.Fatal(err)
	}
	routes, err := domain.PinlessDialin()
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range routes {
		fmt.Println("route:", e.PhoneNumber, "→", e.RoomCreationAPI, "signed:", e.HMAC != "")
	}
	// Output:
	// for sale: +14155550100 CA
	// bought: +14155550100
	// route: +14155550100 → https://bots.example.com/dialin signed: true
}
