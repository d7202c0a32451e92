package doctest

import (
	"reflect"
	"strings"
	"testing"
)

func TestFindInvocationsTakesCommandsNotMentions(t *testing.T) {
	t.Parallel()
	text := strings.Join([]string{
		`go build -o dialin ./cmd/dialin`,                                          // 1: not a dialin command
		`N=$(dialin numbers search --areacode 415 --limit 1 -q)`,                   // 2
		`./dialin serve --addr 127.0.0.1:7860 \`,                                   // 3
		`  --bot-cmd './dialin standin-bot -u {room_url} -t {token}' &`,            // 4
		`dialin numbers list --jq '.[] | .number' | head -1  # a comment --nope`,   // 5
		`ExecStart=/usr/bin/dialin serve --config /etc/dialin/serve.yaml`,          // 6
		`# deploy/x: dialin serve alone`,                                           // 7: prose
		`go install github.com/dialin-project/dialin/cmd/dialin@latest`,            // 8: not a command
		`DIALIN_DEBUG=api dialin routes list 2>&1 >/dev/null | grep x`,             // 9
		`dialin simulate call --to "$N" --from '$(reboot)' || echo "exit code $?"`, // 10
	}, "\n")
	got := findInvocations("f.md", 1, text)
	want := []invocation{
		{"f.md:2", []string{"numbers", "search", "--areacode", "415", "--limit", "1", "-q"}},
		{"f.md:3", []string{"serve", "--addr", "127.0.0.1:7860", "--bot-cmd", "./dialin standin-bot -u {room_url} -t {token}"}},
		{"f.md:3", []string{"standin-bot", "-u", "{room_url}", "-t", "{token}"}},
		{"f.md:5", []string{"numbers", "list", "--jq", ".[] | .number"}},
		{"f.md:6", []string{"serve", "--config", "/etc/dialin/serve.yaml"}},
		{"f.md:9", []string{"routes", "list", "2"}},
		{"f.md:10", []string{"simulate", "call", "--to", "$N", "--from", "$(reboot)"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("findInvocations:\n got %q\nwant %q", got, want)
	}
}

func TestDockerInvocationsJoinEntrypointAndCmdOfTheLastStage(t *testing.T) {
	t.Parallel()
	text := "FROM golang AS build\nENTRYPOINT [\"/bin/other\"]\nFROM scratch\n" +
		"ENTRYPOINT [\"tini\", \"--\", \"/usr/local/bin/dialin\", \"serve\"]\nCMD [\"--addr\", \"0.0.0.0:7860\"]\n"
	got := dockerInvocations("Dockerfile", 1, text)
	want := []invocation{{"Dockerfile:4", []string{"serve", "--addr", "0.0.0.0:7860"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("dockerInvocations: got %q, want %q", got, want)
	}
}

func TestCheckCatchesInventedCommandsAndFlags(t *testing.T) {
	t.Parallel()
	h := helpCache{}
	for args, wantBad := range map[string]bool{
		"numbers buy --random --yes -q":           false,
		"numbers buy --randomly":                  true,
		"numbers byu +14155550100":                true,
		"routes set --number +1 --url x -y":       false,
		"routes set -z":                           true,
		"serve --metrics-addr 127.0.0.1:7861":     false,
		"serve --metrics 127.0.0.1:7861":          true,
		"help exit-codes":                         false,
		"help no-such-topic":                      true,
		"routes explain --to +1 --sip-header a=b": false,
		"standin-bot -u x -t y -i z":              false,
		"--version":                               false,
	} {
		msg, err := h.check(invocation{Where: "t", Args: strings.Fields(args)})
		if err != nil {
			t.Fatal(err)
		}
		if (msg != "") != wantBad {
			t.Errorf("check(dialin %s) = %q, want bad=%v", args, msg, wantBad)
		}
	}
}
