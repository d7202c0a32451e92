package doctest

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// includeRE is the first line of a code block that shows a deploy file: "# deploy/…".
var includeRE = regexp.MustCompile(`^# (deploy/[^\s:]+)`)

// TestGuidesShowDeployFilesAsTheyAre checks that a code block whose first line names a file
// under deploy/ ("# deploy/Dockerfile: …") is that file, byte for byte, and that every deploy
// file is shown or named by a guide.
func TestGuidesShowDeployFilesAsTheyAre(t *testing.T) {
	t.Parallel()
	shown := 0
	var guides strings.Builder
	for _, file := range guideFiles(t) {
		text, err := os.ReadFile(filepath.Join(repoRoot, file))
		if err != nil {
			t.Fatal(err)
		}
		guides.Write(text)
		for _, b := range extractBlocks(string(text)) {
			m := includeRE.FindStringSubmatch(b.Code)
			if m == nil {
				continue
			}
			shown++
			want, err := os.ReadFile(filepath.Join(repoRoot, filepath.FromSlash(m[1])))
			if err != nil {
				t.Errorf("%s:%d: the block shows %s, which does not exist", file, b.Line, m[1])
				continue
			}
			if b.Code != string(want) {
				t.Errorf("%s:%d: the block differs from %s; copy the file into the guide again", file, b.Line, m[1])
			}
		}
	}
	if shown == 0 {
		t.Fatal("no guide shows a deploy file")
	}
	for _, f := range deployFiles(t) {
		if !strings.Contains(guides.String(), f) {
			t.Errorf("%s: no guide shows or names it", f)
		}
	}
}

// dockerfile is the instructions of a Dockerfile, continuation lines joined.
type dockerInstr struct{ Keyword, Args string }

func parseDockerfile(text string) []dockerInstr {
	var out []dockerInstr
	var cur string
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if cur == "" && (t == "" || strings.HasPrefix(t, "#")) {
			continue
		}
		if strings.HasSuffix(t, "\\") {
			cur += strings.TrimSuffix(t, "\\") + " "
			continue
		}
		cur += t
		kw, args, _ := strings.Cut(cur, " ")
		out = append(out, dockerInstr{strings.ToUpper(kw), strings.TrimSpace(args)})
		cur = ""
	}
	return out
}

// TestDeployDockerfileBuildsAndRunsServe checks the shape of deploy/Dockerfile (Docker does
// not run here): a Go build stage of ./cmd/dialin on the go.mod's Go version, a small final
// stage running as non-root, and `dialin serve` with flags serve has.
func TestDeployDockerfileBuildsAndRunsServe(t *testing.T) {
	t.Parallel()
	text, err := os.ReadFile(filepath.Join(repoRoot, "deploy", "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	gomod, err := os.ReadFile(filepath.Join(repoRoot, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	goVersion := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	if goVersion == nil {
		t.Fatal("go.mod has no go directive")
	}
	var froms []string
	var built, copied, nonroot bool
	var entry, cmd []string
	for _, in := range parseDockerfile(string(text)) {
		switch in.Keyword {
		case "FROM":
			froms = append(froms, in.Args)
			nonroot = strings.HasSuffix(strings.Fields(in.Args)[0], ":nonroot")
		case "RUN":
			if strings.Contains(in.Args, "go build") && strings.Contains(in.Args, "./cmd/dialin") && strings.Contains(in.Args, "CGO_ENABLED=0") {
				built = true
			}
		case "COPY":
			copied = copied || strings.HasPrefix(in.Args, "--from=build ")
		case "USER":
			nonroot = !strings.HasPrefix(in.Args, "root") && !strings.HasPrefix(in.Args, "0")
		case "ENTRYPOINT", "CMD":
			var argv []string
			if err := json.Unmarshal([]byte(in.Args), &argv); err != nil {
				t.Errorf("%s %s: use the exec (JSON) form, so that serve is PID 1 and gets SIGTERM", in.Keyword, in.Args)
			}
			if in.Keyword == "ENTRYPOINT" {
				entry = argv
			} else {
				cmd = argv
			}
		}
	}
	if len(froms) < 2 || !strings.HasPrefix(froms[0], "golang:"+string(goVersion[1])) || !strings.HasSuffix(froms[0], " AS build") {
		t.Errorf("FROM lines %q: want a first stage `golang:%s… AS build` and a final stage", froms, goVersion[1])
	}
	if last := froms[len(froms)-1]; !strings.Contains(last, "distroless") && !strings.Contains(last, "-slim") {
		t.Errorf("final stage %q: want distroless or a -slim image", last)
	}
	if !built || !copied {
		t.Errorf("want RUN CGO_ENABLED=0 go build … ./cmd/dialin, and COPY --from=build of the binary (built %v, copied %v)", built, copied)
	}
	if !nonroot {
		t.Error("the final stage runs as root")
	}
	argv := append(append([]string(nil), entry...), cmd...)
	if len(argv) < 2 || filepath.Base(argv[0]) != "dialin" || argv[1] != "serve" {
		t.Fatalf("ENTRYPOINT+CMD = %q, want dialin serve …", argv)
	}
	if addr := flagValue(argv, "--addr"); addr != "0.0.0.0:7860" {
		t.Errorf("--addr %q: in a container serve must listen on 0.0.0.0:7860", addr)
	}
}

// unitFile is a systemd unit: section → key → values (keys may repeat).
type unitFile map[string]map[string][]string

func parseUnit(text string) unitFile {
	u := unitFile{}
	section := ""
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "" || strings.HasPrefix(t, "#") || strings.HasPrefix(t, ";"):
		case strings.HasPrefix(t, "[") && strings.HasSuffix(t, "]"):
			section = t[1 : len(t)-1]
			u[section] = map[string][]string{}
		default:
			k, v, _ := strings.Cut(t, "=")
			if u[section] != nil {
				u[section][k] = append(u[section][k], v)
			}
		}
	}
	return u
}

// flagValue returns the value of --name in argv (as "--name value" or "--name=value").
func flagValue(argv []string, name string) string {
	for i, a := range argv {
		if a == name && i+1 < len(argv) {
			return argv[i+1]
		}
		if v, ok := strings.CutPrefix(a, name+"="); ok {
			return v
		}
	}
	return ""
}

// TestDeployFilesAgree checks the systemd unit and that the proxy and Prometheus point where
// serve listens.
func TestDeployFilesAgree(t *testing.T) {
	t.Parallel()
	read := func(p string) string {
		b, err := os.ReadFile(filepath.Join(repoRoot, "deploy", p))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	unit := parseUnit(read("systemd/dialin-serve.service"))
	for _, s := range []string{"Unit", "Service", "Install"} {
		if unit[s] == nil {
			t.Errorf("dialin-serve.service has no [%s] section", s)
		}
	}
	svc := unit["Service"]
	exec := strings.Fields(strings.Join(svc["ExecStart"], " "))
	if len(exec) < 2 || exec[0] != "/usr/bin/dialin" || exec[1] != "serve" {
		t.Fatalf("ExecStart = %q, want /usr/bin/dialin serve … (where the packages install it)", exec)
	}
	for key, want := range map[string]string{"KillMode": "process", "User": "dialin", "Restart": "on-failure"} {
		if got := strings.Join(svc[key], ","); got != want {
			t.Errorf("[Service] %s=%s, want %s", key, got, want)
		}
	}
	addr, metrics := flagValue(exec, "--addr"), flagValue(exec, "--metrics-addr")
	for _, a := range []string{addr, metrics} {
		host, _, err := net.SplitHostPort(a)
		if err != nil || !net.ParseIP(host).IsLoopback() {
			t.Errorf("ExecStart listens on %q: want a loopback address behind the proxy", a)
		}
	}
	if conf := read("nginx/dialin.conf"); !strings.Contains(conf, "proxy_pass http://"+addr+";") ||
		!strings.Contains(conf, "dialin|events") {
		t.Errorf("nginx/dialin.conf does not forward /dialin and /events to %s", addr)
	}
	var prom struct {
		RuleFiles     []string `yaml:"rule_files"`
		ScrapeConfigs []struct {
			StaticConfigs []struct {
				Targets []string `yaml:"targets"`
			} `yaml:"static_configs"`
		} `yaml:"scrape_configs"`
	}
	if err := yaml.Unmarshal([]byte(read("prometheus.yml")), &prom); err != nil {
		t.Fatalf("prometheus.yml: %v", err)
	}
	found := false
	for _, sc := range prom.ScrapeConfigs {
		for _, st := range sc.StaticConfigs {
			for _, target := range st.Targets {
				found = found || target == metrics
			}
		}
	}
	if !found {
		t.Errorf("prometheus.yml does not scrape %s (the unit's --metrics-addr)", metrics)
	}
	for _, f := range prom.RuleFiles {
		if _, err := os.Stat(filepath.Join(repoRoot, "deploy", f)); err != nil {
			t.Errorf("prometheus.yml: rule file %s is not in deploy/", f)
		}
	}
}

var metricRE = regexp.MustCompile(`\bdialin_serve_[a-z_]+`)

// TestShownMetricsExist checks that every dialin_serve_… metric the guides and deploy files
// name (the alert rules among them) is one serve registers: its name is a string in serve's
// Go source.
func TestShownMetricsExist(t *testing.T) {
	t.Parallel()
	var source strings.Builder // the engine registers most metrics, the command a few
	for _, dir := range []string{"pkg/dialin/serve", "internal/cmd/servecmd"} {
		err := filepath.WalkDir(filepath.Join(repoRoot, filepath.FromSlash(dir)), func(p string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
				return err
			}
			b, err := os.ReadFile(p)
			source.Write(b)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	files := append(guideFiles(t), deployFiles(t)...)
	names := 0
	for _, f := range files {
		text, err := os.ReadFile(filepath.Join(repoRoot, f))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range metricRE.FindAllString(string(text), -1) {
			if strings.HasSuffix(name, "_") {
				continue // a prefix in a pattern, such as dialin_serve_warm_bot_(hits|misses)_total
			}
			names++
			base := strings.TrimPrefix(name, "dialin_serve_")
			for _, suffix := range []string{"_bucket", "_count", "_sum"} {
				if b, ok := strings.CutSuffix(base, suffix); ok && strings.Contains(source.String(), `"`+b+`"`) {
					base = b
				}
			}
			if !strings.Contains(source.String(), `"`+base+`"`) {
				t.Errorf("%s: %s: serve registers no such metric", f, name)
			}
		}
	}
	if names == 0 {
		t.Fatal("no dialin_serve_ metric named anywhere: the scan is broken")
	}
}
