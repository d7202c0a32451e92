package servecmd

import (
	"fmt"
	"os"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/dialin-project/dialin/pkg/dialin/serve/pool"
	"github.com/dialin-project/dialin/pkg/dialin/serve/redisstate"
)

// sharedState is the Redis of --state redis://…, for the parts of serve that replicas share
// beyond calls and caps: the warm room pool.
type sharedState struct {
	rdb     redis.UniversalClient
	cfg     *redisstate.Config
	replica string // names this replica as a lease holder
}

// sharePool makes c's pool the one every replica on the same Redis shares: the rooms in
// Redis (pool:<rule>), refilled by one replica at a time, the holder of the rule's refill
// lease (lease:pool-refill:<rule>, with the state's lease_ttl). The others try to take the
// lease every tenth of the TTL, so a replica that dies is replaced within about the TTL.
func (s *sharedState) sharePool(c *pool.Config) {
	c.Store = redisstate.NewPoolStore(s.rdb, s.cfg.Prefix)
	ttl := s.cfg.LeaseTTL
	c.RefillLease = func(rule string) pool.Lease {
		return redisstate.NewLease(s.rdb, s.cfg.Prefix, "pool-refill:"+rule, s.replica, ttl)
	}
	c.LeaseRetry = max(ttl/10, 100*time.Millisecond)
}

// replicaID is the host name and pid, as serve names a replica by default.
func replicaID() string {
	host, _ := os.Hostname()
	return fmt.Sprintf("%s:%d", host, os.Getpid())
}
