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

// seedAreas are the area codes of the seeded pool. California comes first because a random
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

// numbersPerArea × len(seedAreas) is the size of the seeded pool (528).
const numbersPerArea = 24

// seededPool builds the same pool on every run: the seed is fixed so tests and docs can name
// numbers from it.
func seededPool() []availableNumber {
	rng := rand.New(rand.NewPCG(2026, 415))
	seen := map[string]bool{}
	var pool []availableNumber
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
			pool = append(pool, availableNumber{number: num, region: a.region, city: a.city})
			n++
		}
	}
	sortPool(pool)
	return pool
}

// poolFrom builds a pool from caller-chosen numbers (WithAvailableNumbers).
func poolFrom(numbers []string) []availableNumber {
	var pool []availableNumber
	seen := map[string]bool{}
	for _, n := range numbers {
		n = strings.TrimSpace(n)
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		a := areaOf(n)
		pool = append(pool, availableNumber{number: n, region: a.region, city: a.city})
	}
	sortPool(pool)
	return pool
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

func sortPool(pool []availableNumber) {
	slices.SortFunc(pool, func(a, b availableNumber) int { return strings.Compare(a.number, b.number) })
}

// takeFromPool removes number from the pool and reports whether it was there. Caller holds s.mu.
func (st *state) takeFromPool(number string) bool {
	for i, a := range st.pool {
		if a.number == number {
			st.pool = slices.Delete(st.pool, i, i+1)
			return true
		}
	}
	return false
}
