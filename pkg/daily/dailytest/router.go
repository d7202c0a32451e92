package dailytest

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// handlerFunc answers one API request; params are the ":name" segments of the route in order.
// A nil *apiError with a body answers 200 with that body as JSON (noBody{}: empty 200).
type handlerFunc func(s *Server, r *http.Request, params []string) (any, *apiError)

type route struct {
	method  string
	pattern []string // path segments; ":x" matches any one segment
	class   limitClass
	handle  handlerFunc
}

func endpoint(method, path string, class limitClass, h handlerFunc) route {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	if path == "/" {
		segs = nil
	}
	return route{method: method, pattern: segs, class: class, handle: h}
}

// routes is Daily's API surface the emulator serves. Call simulation hooks in by adding routes.
var routes = []route{
	endpoint("GET", "/", classDefault, (*Server).getDomain),
	endpoint("POST", "/", classDefault, (*Server).setDomain),

	endpoint("GET", "/list-available-numbers", classDefault, (*Server).listAvailableNumbers),
	endpoint("POST", "/buy-phone-number", classDefault, (*Server).buyPhoneNumber),
	endpoint("GET", "/purchased-phone-numbers", classDefault, (*Server).listPurchasedNumbers),
	endpoint("DELETE", "/release-phone-number/:id", classDefault, (*Server).releasePhoneNumber),

	endpoint("GET", "/domain-dialin-config", classDefault, (*Server).listDialinConfigs),
	endpoint("POST", "/domain-dialin-config", classDefault, (*Server).createDialinConfig),
	endpoint("GET", "/domain-dialin-config/:id", classDefault, (*Server).getDialinConfig),
	endpoint("PUT", "/domain-dialin-config/:id", classDefault, (*Server).updateDialinConfig),
	endpoint("DELETE", "/domain-dialin-config/:id", classDefault, (*Server).deleteDialinConfig),

	endpoint("GET", "/rooms", classDefault, (*Server).listRooms),
	endpoint("POST", "/rooms", classDefault, (*Server).createRoom),
	endpoint("GET", "/rooms/:name", classDefault, (*Server).getRoom),
	endpoint("POST", "/rooms/:name", classDefault, (*Server).updateRoom),
	endpoint("DELETE", "/rooms/:name", classDeleteRoom, (*Server).deleteRoom),
	endpoint("POST", "/rooms/:name/dialOut/start", classStartCall, (*Server).startDialOut),

	endpoint("POST", "/meeting-tokens", classDefault, (*Server).createMeetingToken),
	endpoint("GET", "/meeting-tokens/:token", classDefault, (*Server).getMeetingToken),

	endpoint("POST", "/dialin/pinlessCallUpdate", classDefault, (*Server).pinlessCallUpdate),

	endpoint("GET", "/webhooks", classDefault, (*Server).listWebhooks),
	endpoint("POST", "/webhooks", classDefault, (*Server).createWebhook),
	endpoint("GET", "/webhooks/:uuid", classDefault, (*Server).getWebhook),
	endpoint("POST", "/webhooks/:uuid", classDefault, (*Server).updateWebhook),
	endpoint("DELETE", "/webhooks/:uuid", classDefault, (*Server).deleteWebhook),
}

// matchRoute finds the route for method and path: 404 when no pattern matches the path,
// 405 (with Daily's error body) when one does but not for this method.
func matchRoute(method, path string) (route, []string, *apiError) {
	segs := splitPath(path)
	var allowed []string
	for _, rt := range routes {
		params, ok := matchSegments(rt.pattern, segs)
		if !ok {
			continue
		}
		if rt.method == method {
			return rt, params, nil
		}
		if !slices.Contains(allowed, rt.method) {
			allowed = append(allowed, rt.method)
		}
	}
	if len(allowed) > 0 {
		return route{}, nil, &apiError{status: http.StatusMethodNotAllowed, kind: "invalid-request-error",
			info: "method " + method + " is not allowed on " + path + " (allowed: " + strings.Join(allowed, ", ") + ")"}
	}
	return route{}, nil, notFound("unknown endpoint %s %s", method, path)
}

func splitPath(path string) []string {
	trimmed := strings.Trim(path, "/")
	if trimmed == "" {
		return nil
	}
	segs := strings.Split(trimmed, "/")
	for i, s := range segs {
		if u, err := url.PathUnescape(s); err == nil {
			segs[i] = u
		}
	}
	return segs
}

func matchSegments(pattern, segs []string) ([]string, bool) {
	if len(pattern) != len(segs) {
		return nil, false
	}
	var params []string
	for i, p := range pattern {
		switch {
		case strings.HasPrefix(p, ":"):
			if segs[i] == "" {
				return nil, false
			}
			params = append(params, segs[i])
		case p != segs[i]:
			return nil, false
		}
	}
	return params, true
}
