package dailytest

import (
	"bytes"
	"encoding/json"
	"testing"
)

// sdkDomainProperties are values for the domain properties Daily documents for POST / that
// its OpenAPI-generated SDK sends (the emulator refused these 15 before).
var sdkDomainProperties = map[string]string{
	"meeting_join_hook":         `"https://example.com/joined"`,
	"geo":                       `"eu-west-2"`,
	"rtmp_geo":                  `"eu-central-1"`,
	"disable_rtmp_geo_fallback": `true`,
	"enable_terse_logging":      `true`,
	"transcription_bucket":      `{"bucket_name":"t","bucket_region":"us-west-2","assume_role_arn":"arn:aws:iam::1:role/t","allow_api_access":true}`,
	"recordings_template":       `"{domain_name}/{room_name}/{epoch_time}.mp4"`,
	"enable_mesh_sfu":           `true`,
	"sfu_switchover":            `2.5`,
	"enable_adaptive_simulcast": `false`,
	"enforce_unique_user_ids":   `true`,
	"recordings_bucket":         `{"bucket_name":"r","bucket_region":"us-west-2","assume_role_arn":"arn:aws:iam::1:role/r","allow_api_access":false,"allow_streaming_from_bucket":true}`,
	"permissions":               `{"hasPresence":true,"canSend":["audio"],"canReceive":{"base":true},"canAdmin":false}`,
	"batch_processor_bucket":    `{"bucket_name":"b","bucket_region":"us-west-2","assume_role_arn":"arn:aws:iam::1:role/b"}`,
	"enable_opus_fec":           `true`,
}

func TestEveryDocumentedDomainPropertyIsTakenAndReturned(t *testing.T) {
	s, _ := newTest(t)
	var props bytes.Buffer
	props.WriteString(`{"properties":{"transcription_template":"{room_name}/{epoch_time}.vtt","enable_cpu_warning_notifications":false`)
	for k, v := range sdkDomainProperties {
		props.WriteString(`,"` + k + `":` + v)
	}
	props.WriteString(`}}`)
	res := api(t, s, "POST", "/", props.String())
	if res.status != 200 {
		t.Fatalf("POST /: %d %s", res.status, res.body)
	}
	for _, body := range [][]byte{res.body, api(t, s, "GET", "/", nil).body} {
		var d struct{ Config map[string]json.RawMessage }
		if err := json.Unmarshal(body, &d); err != nil {
			t.Fatal(err)
		}
		for k, v := range sdkDomainProperties {
			if got := string(d.Config[k]); got != v {
				t.Errorf("config.%s = %s, want %s", k, got, v)
			}
		}
		if string(d.Config["enable_cpu_warning_notifications"]) != "false" || string(d.Config["transcription_template"]) != `"{room_name}/{epoch_time}.vtt"` {
			t.Errorf("config %s", body)
		}
	}

	// Documented defaults show until set; the others show once set; null resets either.
	fresh, _ := newTest(t)
	cfg := obj(ok(t, fresh, "GET", "/", nil)["config"])
	if cfg["sfu_switchover"] != 0.5 || cfg["enable_adaptive_simulcast"] != true || cfg["enforce_unique_user_ids"] != false {
		t.Fatalf("defaults: %v", cfg)
	}
	if _, shown := cfg["geo"]; shown {
		t.Fatalf("geo has no default but shows: %v", cfg["geo"])
	}
	cfg = obj(ok(t, s, "POST", "/", `{"properties":{"geo":null,"sfu_switchover":null}}`)["config"])
	if _, shown := cfg["geo"]; shown || cfg["sfu_switchover"] != 0.5 || cfg["rtmp_geo"] != "eu-central-1" {
		t.Fatalf("after null: %v", cfg)
	}

	wantError(t, api(t, s, "POST", "/", `{"properties":{"enable_opus_fec":"yes"}}`), 400, "invalid-request-error", "enable_opus_fec must be a boolean")
	wantError(t, api(t, s, "POST", "/", `{"properties":{"permissions":[]}}`), 400, "invalid-request-error", "permissions must be an object")
	wantError(t, api(t, s, "POST", "/", `{"properties":{"geo":"eu-west-2","enable_telepathy":true}}`), 400, "invalid-request-error", "enable_telepathy is not a valid domain property")
	if cfg := obj(ok(t, s, "GET", "/", nil)["config"]); cfg["geo"] != nil {
		t.Fatalf("a refused POST / changed geo: %v", cfg["geo"])
	}
}
