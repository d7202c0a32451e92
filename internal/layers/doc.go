// Package layers holds the test that keeps dialin's package layers apart, the way Go's own
// go/build/deps_test.go does for the standard library. The rules, from the bottom up:
//
//   - pkg/daily, the Daily REST client, imports nothing of dialin's and no CLI or terminal
//     package: any Go program may use it.
//   - pkg/daily/dailytest, the emulator, imports only the standard library, so that it is a
//     faithful Daily that shares no code (and so no bug) with the client it tests.
//   - Nothing under pkg/ imports dialin's top-level internal/ (what a Go user may import
//     cannot depend on what they may not), nor a CLI or terminal package: engines print
//     nothing; commands choose how to show what engines report.
//   - Engine packages (pkg/ and the internal/ tools such as the stand-ins and the bench)
//     never import the command layer (internal/cmd/..., internal/cli, internal/cmdutil,
//     internal/iostreams, internal/output, internal/config).
//   - The dialin binary does not link the testing package.
//
// docs/architecture.md draws the same floors with each package in one line.
package layers
