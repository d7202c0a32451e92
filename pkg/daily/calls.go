package daily

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// PinlessCallUpdate patches a held call into a room's SIP endpoint
// (POST /dialin/pinlessCallUpdate). Call it once per call, after the endpoint is ready;
// it is never retried on a 5xx (the call may already be patched). Any 200 is success.
func (c *Client) PinlessCallUpdate(ctx context.Context, req PinlessCallUpdateRequest) error {
	req.CallID = strings.TrimSpace(req.CallID)
	req.CallDomain = strings.TrimSpace(req.CallDomain)
	req.SIPURI = NormalizeSIPURI(req.SIPURI)
	switch {
	case req.CallID == "":
		return errors.New("callId: must not be empty")
	case req.CallDomain == "":
		return errors.New("callDomain: must not be empty")
	case req.SIPURI == "":
		return errors.New("sipUri: must not be empty")
	}
	return c.do(ctx, http.MethodPost, "/dialin/pinlessCallUpdate", nil, req, nil)
}
