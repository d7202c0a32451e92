package serve

import (
	"context"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/dialin-project/dialin/pkg/daily"
	"github.com/dialin-project/dialin/pkg/dialin/serve/rules"
)

// RoomRequest is what a RoomSource needs to provide a call's room.
type RoomRequest struct {
	CallID     string
	CallDomain string
	To, From   string
	SIPHeaders map[string]string
	// Rule is the matched rule; Rule.Room holds the complete room settings.
	Rule *rules.Rule
}

// Room is a SIP dial-in room for one call.
type Room struct {
	Name string
	URL  string
	// SIPURI is the room's sip_uri.endpoint as Daily returned it (Pipecat's dial-in bot gets
	// it as is with -s; Pipecat prefixes "sip:" itself).
	SIPURI string
	// Endpoints are all SIP endpoints of the room, each with the "sip:" prefix.
	Endpoints []string
	// Exp is when the room expires (the token expires with it).
	Exp time.Time
}

// RoomSource provides the room of a call: a new room per call (RESTRooms), or one taken
// from a pool of rooms created ahead. A room is never handed out twice.
type RoomSource interface {
	Room(ctx context.Context, req RoomRequest) (Room, error)
}

// RESTRooms creates a room per call with POST /rooms: sip {display_name: From, sip_mode:
// dial-in, num_endpoints, video}, exp and eject_at_room_exp, so the room closes itself.
//
// The room is named after the call (RoomName), which makes the create safe to send again:
// after a 5xx, a connection error or a lost answer it is retried until ctx ends, and a
// retry that meets the room the first attempt made (400 "already exists") reads and uses it.
type RESTRooms struct {
	Client *daily.Client
	Now    func() time.Time // nil: time.Now
}

// maxDisplayName bounds the display name taken from the caller's From.
const maxDisplayName = 64

// Room implements RoomSource.
func (r *RESTRooms) Room(ctx context.Context, req RoomRequest) (Room, error) {
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	settings := req.Rule.Room
	exp := now().Add(settings.Exp).Truncate(time.Second)
	create := daily.CreateRoomRequest{
		Properties: daily.RoomProperties{
			Exp:            exp.Unix(),
			EjectAtRoomExp: true,
			SIP: &daily.SIPProperties{
				DisplayName:  DisplayName(req.From),
				SIPMode:      "dial-in",
				Video:        settings.VideoOn(),
				NumEndpoints: settings.NumEndpoints,
			},
		},
	}
	if req.CallID == "" { // no name to find it by: one attempt only
		room, err := r.Client.CreateRoom(ctx, create)
		if err != nil {
			return Room{}, err
		}
		return roomOf(room, exp)
	}
	create.Name = RoomName(req.CallDomain, req.CallID)
	var room *daily.Room
	err := retryStep(ctx, func(ctx context.Context) error {
		made, err := r.Client.CreateRoom(ctx, create)
		if alreadyExists(err) {
			// An earlier attempt made it and its answer was lost; a 404 here (deleted in
			// between) is worth another create.
			made, err = r.Client.Room(ctx, create.Name)
			if daily.IsNotFound(err) {
				return errRoomVanished
			}
			if err == nil && made.Config.Exp > 0 && made.Config.Exp <= now().Unix() {
				// A room of this call from long ago (a replayed webhook): its token would
				// be expired, so it is replaced.
				if err := r.Client.DeleteRoom(ctx, create.Name); err != nil && !daily.IsNotFound(err) {
					return err
				}
				return errRoomVanished
			}
		}
		room = made
		return err
	})
	if err != nil {
		return Room{}, err
	}
	if room.Config.Exp > 0 {
		exp = time.Unix(room.Config.Exp, 0)
	}
	return roomOf(room, exp)
}

// errRoomVanished is transient: the room named after the call was deleted between the
// create that met it and the read.
var errRoomVanished = errors.New("the call's room was deleted while it was being read")

func roomOf(room *daily.Room, exp time.Time) (Room, error) {
	if room.Config.SIPURI == nil || room.Config.SIPURI.Endpoint == "" {
		return Room{}, errors.New("Daily returned the room without a sip_uri")
	}
	return Room{Name: room.Name, URL: room.URL, SIPURI: room.Config.SIPURI.Endpoint, Endpoints: room.Config.SIPURI.Endpoints(), Exp: exp}, nil
}

// Discard deletes the room of a call that failed (RoomName when the room's creation itself
// failed: a lost answer may have made it). A room that is already gone counts as deleted.
func (r *RESTRooms) Discard(ctx context.Context, name string) error {
	return retryStep(ctx, func(ctx context.Context) error {
		err := r.Client.DeleteRoom(ctx, name)
		if daily.IsNotFound(err) {
			return nil
		}
		return err
	})
}

// DisplayName is the SIP participant's name for a caller: From, cut to 64 bytes on a
// character boundary, without control characters; "dial-in" when nothing is left.
func DisplayName(from string) string {
	s := strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return -1
		}
		return r
	}, from)
	s = strings.TrimSpace(s)
	for len(s) > maxDisplayName {
		_, size := utf8.DecodeLastRuneInString(s)
		s = s[:len(s)-size]
	}
	if s == "" {
		return "dial-in"
	}
	return s
}
