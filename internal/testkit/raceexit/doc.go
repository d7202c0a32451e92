// Package raceexit spares a test binary built with -race the race runtime's sleep at exit.
//
// The race runtime sleeps atexit_sleep_ms (default 1000) before a successful exit, so every
// package of `go test -race ./...` costs a second of wall time doing nothing: about half a
// minute for this module on two cores. Importing this package (testkit does; a test package
// that does not use testkit imports it blank) makes a -race test binary start again at once
// with GORACE's atexit_sleep_ms=0, keeping any GORACE options the user set. A binary built
// without -race is untouched. Race reports are unaffected: the testing package fails a test
// when the race runtime reports a race during it, and the exit status still says so.
package raceexit
