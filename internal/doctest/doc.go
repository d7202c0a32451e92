// Package doctest keeps the guides true. Its tests run every fenced code block whose info
// string is exactly "sh" in README.md and docs/*.md (not the generated docs/reference), one
// bash script per file, against a fresh Daily emulator and a freshly built dialin; and they
// check that every relative link in those files points to a file (and heading) that exists.
//
// The package has no code of its own: everything is in its _test.go files. The conventions
// for guide authors (which info string runs, the hidden <!-- doctest-setup --> blocks, what
// the emulator already owns) are at the top of docs/README.md.
package doctest
