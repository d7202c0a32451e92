package dailytest

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"
)

// state is the emulated Daily domain. Server.mu guards it.
type state struct {
	seq         int64  // creation counter: ties in creation time sort by it
	nextPagID   int64  // next pagination_id of a purchased number
	domainProps object // domain properties set by POST / (defaults are not stored)
	inventory   []availableNumber
	purchased   []*purchasedNumber
	entries     []*dialinEntry // pinless and pin dial-in configs, in array order
	issuedSIP   map[string]bool
	lastSIPMs   int64
	rooms       map[string]*room
	webhooks    []*webhook
	calls       map[string]*call
	callOrder   []*call                 // calls in the order they were placed
	sessions    map[string]*roomSession // rooms with participants, by room name
	events      []pendingEvent          // /webhooks events waiting for the delivery worker
	delivering  bool                    // the event delivery worker is running
	changed     chan struct{}           // closed and replaced on every call or session change
}

func newState(cfg settings) state {
	st := state{
		nextPagID:   3391,
		domainProps: object{},
		issuedSIP:   map[string]bool{},
		rooms:       map[string]*room{},
		calls:       map[string]*call{},
		sessions:    map[string]*roomSession{},
		changed:     make(chan struct{}),
	}
	if cfg.ownPool {
		st.inventory = inventoryFrom(cfg.numbers)
	} else {
		st.inventory = seededInventory()
	}
	return st
}

// nextSeq numbers a newly created object. Caller holds s.mu.
func (st *state) nextSeq() int64 {
	st.seq++
	return st.seq
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("dailytest: crypto/rand failed: " + err.Error())
	}
	return b
}

func randomHex(n int) string { return hex.EncodeToString(randomBytes(n / 2)) }

// newUUID returns a random version 4 UUID.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newHMACSecret is what Daily generates for an entry that omits hmac: 32 random bytes, base64.
func newHMACSecret() string { return base64.StdEncoding.EncodeToString(randomBytes(32)) }

const alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// randomRoomName is a 20-character name like Daily's generated ones.
func randomRoomName() string {
	b := randomBytes(20)
	for i := range b {
		b[i] = alnum[int(b[i])%len(alnum)]
	}
	return string(b)
}

// createdBefore orders newest first: later creation time first, then later sequence.
func createdBefore(at1 time.Time, seq1 int64, at2 time.Time, seq2 int64) bool {
	if !at1.Equal(at2) {
		return at1.After(at2)
	}
	return seq1 > seq2
}
