package callstore_test

import (
	"testing"
	"time"

	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore"
	"github.com/dialin-project/dialin/pkg/dialin/serve/callstore/storetest"
)

// TestMemoryStoreContract: the in-memory store meets the Store contract (one store serves
// as both "replicas").
func TestMemoryStoreContract(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(*testing.T) (callstore.Store, callstore.Store) {
		s := callstore.NewMemory(time.Hour, nil)
		return s, s
	})
}
