// Package pyrunner carries the Python bot runner that `dialin bench` measures beside serve:
// the pattern of Pipecat's 2024 dial-in example (FastAPI; a room and a meeting token over
// Daily's REST API per call; the bot spawned per call with -u -t -i -d -s). It is embedded so
// that the benchmark needs nothing outside the dialin binary but Debian's python3 with
// python3-fastapi, python3-uvicorn and python3-aiohttp.
package pyrunner

import (
	_ "embed"
	"os"
	"path/filepath"
)

//go:embed bot_runner.py
var source []byte

// Write puts the runner in dir and returns its path.
func Write(dir string) (string, error) {
	p := filepath.Join(dir, "bot_runner.py")
	return p, os.WriteFile(p, source, 0o644)
}
