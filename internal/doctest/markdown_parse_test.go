package doctest

import (
	"reflect"
	"testing"
)

func TestExtractChunksTakesOnlyShBlocksAndSetupComments(t *testing.T) {
	t.Parallel()
	md := "# Guide\n" + // 1
		"<!-- doctest-setup\n" + // 2
		"export A=1\n" + // 3
		"-->\n" + // 4
		"```sh\n" + // 5
		"echo one\n" + // 6
		"echo two\n" + // 7
		"```\n" + // 8
		"```shell\n" + // 9
		"echo not-run\n" + // 10
		"```\n" + // 11
		"```console\n" + // 12
		"$ echo not-run\n" + // 13
		"```\n" + // 14
		"````sh\n" + // 15
		"cat <<'X'\n" + // 16
		"```\n" + // 17: inside a longer fence, not a close
		"X\n" + // 18
		"````\n" + // 19
		"~~~ sh \n" + // 20: the info string is trimmed
		"echo tilde\n" + // 21
		"~~~\n" + // 22
		"```text\n" + // 23
		"<!-- doctest-setup\n" + // 24: inside a code block: text, not a setup
		"-->\n" + // 25
		"```\n" + // 26
		"```sh {.x}\n" + // 27: another info string
		"echo not-run\n" + // 28
		"```\n" // 29
	got := extractChunks(md)
	want := []chunk{
		{Line: 3, Hidden: true, Code: "export A=1\n"},
		{Line: 6, Code: "echo one\necho two\n"},
		{Line: 16, Code: "cat <<'X'\n```\nX\n"},
		{Line: 21, Code: "echo tilde\n"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("extractChunks:\n got %+v\nwant %+v", got, want)
	}
}

func TestExtractLinksSkipsCode(t *testing.T) {
	t.Parallel()
	md := "See [routes](routes.md#routes-in-ci) and ![img](a.png \"title\").\n" +
		"Not `[code](nope.md)`.\n" +
		"```sh\n[x](nope2.md)\n```\n" +
		"[ref]: ../README.md\n"
	got := extractLinks(md)
	want := []link{{1, "routes.md#routes-in-ci"}, {1, "a.png"}, {6, "../README.md"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("extractLinks:\n got %+v\nwant %+v", got, want)
	}
}

func TestHeadingAnchorsFollowGitHub(t *testing.T) {
	t.Parallel()
	md := "# `dialin serve`\n## metrics and logs\n### 1. Adopt the domain: `routes export`\n## FAQ\n## FAQ\n```sh\n# not a heading\n```\n"
	got := headingAnchors(md)
	for _, a := range []string{"dialin-serve", "metrics-and-logs", "1-adopt-the-domain-routes-export", "faq", "faq-1"} {
		if !got[a] {
			t.Errorf("no anchor %q in %v", a, got)
		}
	}
	if got["not-a-heading"] {
		t.Errorf("a comment in a code block became a heading")
	}
}

func TestCheckLinkFindsMissingFilesAndAnchors(t *testing.T) {
	t.Parallel()
	for target, bad := range map[string]bool{
		"serve.md":                        false,
		"serve.md#serve-configuration":    false,
		"serve.md#no-such-heading":        true,
		"no-such-file.md":                 true,
		"../README.md":                    false,
		"../../outside.md":                true,
		"https://docs.daily.co/reference": false,
		"reference/dialin.md":             false,
		"/docs/serve.md":                  true,
	} {
		if msg := checkLink("docs/README.md", target); (msg != "") != bad {
			t.Errorf("checkLink(docs/README.md, %s) = %q, want bad=%v", target, msg, bad)
		}
	}
}
