package routes

import (
	"bytes"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/dialin-project/dialin/pkg/daily"
)

// ExportOptions tune ExportSpec.
type ExportOptions struct {
	// IncludeSecrets writes each hmac literally. Without it hmac is left out, which a plan
	// reads as "keep the live secret", so the file is safe to commit.
	IncludeSecrets bool
	// HMACEnv, when set (and IncludeSecrets is not), writes each entry's hmac as a
	// ${NAME} placeholder, NAME being what HMACEnv returns for the entry's key (HMACEnvName
	// is the usual choice): CI then supplies the secrets from its secret store, and planning
	// the file refuses to run until every one of them is set.
	HMACEnv func(Key) string
	// KeepUnsetHMAC, with HMACEnv, writes unset_hmac: keep, so that planning the file where
	// a variable is not set keeps that live secret instead of refusing to run.
	KeepUnsetHMAC bool
}

// HMACEnvName is the environment variable `routes export` names for an entry's secret:
// DIALIN_HMAC_ and the number's digits ("DIALIN_HMAC_14155550100"), or for a SIP entry
// DIALIN_HMAC_SIP_ and its name prefix in upper case, other characters as "_".
func HMACEnvName(k Key) string {
	var b strings.Builder
	b.WriteString("DIALIN_HMAC_")
	src := strings.TrimPrefix(k.Number, "+")
	if k.IsSIP() {
		b.WriteString("SIP_")
		src = k.SIPName
	}
	for _, r := range strings.ToUpper(src) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

type exportRoute struct {
	Number         string `yaml:"number,omitempty"`
	SIP            string `yaml:"sip,omitempty"`
	URL            string `yaml:"url"`
	NamePrefix     string `yaml:"name_prefix,omitempty"`
	HMAC           string `yaml:"hmac,omitempty"`
	HoldMusicURL   string `yaml:"hold_music_url,omitempty"`
	TimeoutMessage string `yaml:"timeout_message,omitempty"`
}

type exportFile struct {
	Version   int           `yaml:"version"`
	AllowHTTP bool          `yaml:"allow_http,omitempty"`
	UnsetHMAC string        `yaml:"unset_hmac,omitempty"`
	Routes    []exportRoute `yaml:"routes"`
}

// ExportSpec writes entries in the spec file format, so that adopting a domain's routes is
// `routes export > routes.yaml`: planning that file against the same routes shows no changes.
// Fields Daily fills in (sip_uri) and fields dialin does not model are not written; they stay
// on the live entries. An entry with neither phone_number nor name_prefix cannot be named in
// a file and is an error.
func ExportSpec(entries []daily.PinlessDialinEntry, opts ExportOptions) ([]byte, error) {
	f := exportFile{Version: SpecVersion, Routes: []exportRoute{}}
	for i, e := range entries {
		r := exportRoute{URL: e.RoomCreationAPI, HoldMusicURL: e.HoldMusicURL}
		k := KeyOf(e)
		switch {
		case k.Number != "":
			r.Number, r.NamePrefix = k.Number, e.NamePrefix
		case k.SIPName != "":
			r.SIP = k.SIPName
		default:
			return nil, fmt.Errorf("route #%d has neither phone_number nor name_prefix and cannot be exported", i+1)
		}
		switch {
		case opts.IncludeSecrets:
			r.HMAC = e.HMAC
		case opts.HMACEnv != nil && e.HMAC != "":
			r.HMAC = "${" + opts.HMACEnv(k) + "}"
		}
		if e.TimeoutConfig != nil {
			r.TimeoutMessage = e.TimeoutConfig.Message
		}
		if isHTTP(e.RoomCreationAPI) || isHTTP(e.HoldMusicURL) {
			f.AllowHTTP = true // Daily holds it already: planning the file must accept it
		}
		f.Routes = append(f.Routes, r)
	}
	if opts.HMACEnv != nil && opts.KeepUnsetHMAC {
		f.UnsetHMAC = "keep"
	}
	var buf bytes.Buffer
	buf.WriteString("# dialin routes file: `dialin routes plan -f FILE`, `dialin routes apply -f FILE`.\n")
	switch {
	case opts.IncludeSecrets:
		buf.WriteString("# This file holds hmac secrets: do not commit it.\n")
	case opts.HMACEnv != nil && opts.KeepUnsetHMAC:
		buf.WriteString("# Each hmac is read from the environment variable named in ${...}; where it is not set,\n" +
			"# the live secret is kept (unset_hmac: keep). Remove that line to make a missing secret an error.\n")
	case opts.HMACEnv != nil:
		buf.WriteString("# Each hmac is read from the environment variable named in ${...}; set them before planning.\n")
	default:
		buf.WriteString("# hmac is left out (the live secrets are kept); set it as hmac: ${ENV_VAR} to manage it.\n")
	}
	buf.WriteString("# Add managed_prefix: PREFIX to let --prune delete routes whose name_prefix starts with it.\n")
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func isHTTP(u string) bool { return strings.HasPrefix(strings.ToLower(u), "http://") }
