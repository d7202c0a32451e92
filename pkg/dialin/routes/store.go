package routes

import (
	"context"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/phone"
)

// Store is where the routes live: Get reads the whole array, Set replaces it and returns
// what the store answered. NewDailyStore uses the domain's pinless_dialin property.
type Store interface {
	Get(ctx context.Context) ([]daily.PinlessDialinEntry, error)
	Set(ctx context.Context, entries []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error)
}

// NewDailyStore keeps the routes in the domain's pinless_dialin array (GET / and POST /).
func NewDailyStore(c *daily.Client) Store { return domainStore{c} }

type domainStore struct{ c *daily.Client }

func (s domainStore) Get(ctx context.Context) ([]daily.PinlessDialinEntry, error) {
	d, err := s.c.Domain(ctx)
	if err != nil {
		return nil, err
	}
	return d.PinlessDialin()
}

func (s domainStore) Set(ctx context.Context, entries []daily.PinlessDialinEntry) ([]daily.PinlessDialinEntry, error) {
	if entries == nil {
		entries = []daily.PinlessDialinEntry{}
	}
	d, err := s.c.SetPinlessDialin(ctx, entries)
	if err != nil {
		return nil, err
	}
	return d.PinlessDialin()
}

// OwnedNumbers lists the domain's purchased numbers, in E.164, for ValidateOptions.
func OwnedNumbers(ctx context.Context, c *daily.Client) (map[string]bool, error) {
	owned := map[string]bool{}
	for n, err := range c.PurchasedNumbers(ctx, daily.PurchasedNumberQuery{}) {
		if err != nil {
			return nil, err
		}
		if e164, err := phone.Normalize(n.Number, ""); err == nil {
			owned[e164] = true
		} else {
			owned[n.Number] = true
		}
	}
	return owned, nil
}
