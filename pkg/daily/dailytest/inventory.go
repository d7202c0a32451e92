package dailytest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
)

// availableNumber is a number the domain could buy.
type availableNumber struct {
	number string // E.164
	region string // ISO 3166-2 subdivision, e.g. "CA"
	city   string
}

type areaCode struct{ code, region, city string }

// seedAreas are the area codes of the seeded inventory. California comes first because a random
// purchase prefers it (Daily's older docs: "a random number from California").
var seedAreas = []areaCode{
	{"415", "CA", "San Francisco"}, {"510", "CA", "Oakland"}, {"650", "CA", "Palo Alto"},
	{"408", "CA", "San Jose"}, {"213", "CA", "Los Angeles"}, {"619", "CA", "San Diego"},
	{"212", "NY", "New York"}, {"646", "NY", "New York"}, {"718", "NY", "Brooklyn"},
	{"305", "FL", "Miami"}, {"407", "FL", "Orlando"},
	{"512", "TX", "Austin"}, {"214", "TX", "Dallas"}, {"713", "TX", "Houston"},
	{"206", "WA", "Seattle"}, {"312", "IL", "Chicago"}, {"617", "MA", "Boston"},
	{"404", "GA", "Atlanta"}, {"303", "CO", "Denver"}, {"602", "AZ", "Phoenix"},
	{"503", "OR", "Portland"}, {"702", "NV", "Las Vegas"},
}

// numbersPerArea × len(seedAreas) is the size of the seeded inventory (528).
const numbersPerArea = 24

// seededInventory builds the same inventory on every run: its random seed is fixed so tests
// and docs can name numbers from it.
func seededInventory() []availableNumber {
	rng := rand.New(rand.NewPCG(2026, 415))
	seen := map[string]bool{}
	var inventory []availableNumber
	for _, a := range seedAreas {
		for n := 0; n < numbersPerArea; {
			exchange := 200 + rng.IntN(800)
			if exchange == 555 || exchange%100 == 11 {
				continue // 555 is fictional, N11 codes are service codes
			}
			num := fmt.Sprintf("+1%s%03d%04d", a.code, exchange, rng.IntN(10000))
			if seen[num] {
				continue
			}
			seen[num] = true
			inventory = append(inventory, availableNumber{number: num, region: a.region, city: a.city})
			n++
		}
	}
	sortInventory(inventory)
	return inventory
}

// inventoryFrom builds a inventory from caller-chosen numbers (WithAvailableNumbers).
func inventoryFrom(numbers []string) []availableNumber {
	var inventory []availableNumber
	seen := map[string]bool{}
	for _, n := range numbers {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		a := areaOf(n)
		inventory = append(inventory, availableNumber{number: n, region: a.region, city: a.city})
	}
	sortInventory(inventory)
	return inventory
}

// areaOf looks up the region and city of a +1 number by its area code.
func areaOf(number string) areaCode {
	if len(number) >= 5 && strings.HasPrefix(number, "+1") {
		for _, a := range seedAreas {
			if a.code == number[2:5] {
				return a
			}
		}
	}
	return areaCode{}
}

func sortInventory(inventory []availableNumber) {
	slices.SortFunc(inventory, func(a, b availableNumber) int { return strings.Compare(a.number, b.number) })
}

// takeFromInventory removes number from the inventory and reports whether it was there.
// Caller holds s.mu.
func (st *state) takeFromInventory(number string) bool {
	for i, a := range st.inventory {
		if a.number == number {
			st.inventory = slices.Delete(st.inventory, i, i+1)
			return true
		}
	}
	return false
}
