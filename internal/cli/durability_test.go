package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/loadtest"
	"github.com/torg-ekommune/torg/internal/receipt"
	"github.com/torg-ekommune/torg/internal/server/servertest"
)

func TestLoadtestSubmitFlags(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such", "dir", "receipts.txt")
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"unknown scenario", []string{"loadtest", "frob"}, 2, "loadtest submit --target URL"},
		{"needs a target", []string{"loadtest", "submit"}, 2, "--target must be an http(s) URL"},
		{"target scheme", []string{"loadtest", "submit", "--target", "ftp://x"}, 2, "--target must be an http(s) URL"},
		{"target without host", []string{"loadtest", "submit", "--target", "http://"}, 2, "--target must be an http(s) URL"},
		{"clients", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--clients", "0"}, 2, "--clients must be 1 to 10000"},
		{"too many clients", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--clients", "10001"}, 2, "--clients must be 1 to 10000"},
		{"duration", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--duration", "0s"}, 2, "--duration positive"},
		{"bad duration", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--duration", "ten"}, 2, "invalid value"},
		{"tenant", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--tenant", "99"}, 2, "--tenant must be a kommunenummer"},
		{"unknown flag", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--path", "x"}, 2, "flag provided but not defined"},
		{"extra argument", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "now"}, 2, `unexpected argument "now"`},
		{"record file", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--record", missing}, 2, "--record"},
		{"unreachable", []string{"loadtest", "submit", "--target", "http://127.0.0.1:1", "--duration", "100ms"}, 1, "set up client 0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, nil, tt.args...)
			if code != tt.code || !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("exit %d (want %d), stderr:\n%s", code, tt.code, stderr)
			}
		})
	}
}

var (
	submitLineRE   = regexp.MustCompile(`^submissions/s=\d+\.\d p50_ms=\d+\.\d\d p99_ms=\d+\.\d\d errors=(\d+)$`)
	submissionsRE  = regexp.MustCompile(`(?m)^submissions: (\d+) in `)
	recordLineRE   = regexp.MustCompile(`^[A-Za-z0-9_-]+ \d{4}/\d{5,} \d{11}$`)
	receiptRefRE   = regexp.MustCompile(`class="reference">(\d{4}/\d{5,})<`)
	citizensOfDemo = func() []string {
		var out []string
		for _, p := range testidp.DemoPersons() {
			if p.PID != "" {
				out = append(out, p.PID)
			}
		}
		return out
	}()
)

// TestLoadtestSubmitCommand runs `torg loadtest submit --record` against
// an in-process server for a second with four clients.
func TestLoadtestSubmitCommand(t *testing.T) {
	srv := servertest.Start(t, servertest.Options{})
	record := filepath.Join(t.TempDir(), "receipts.txt")
	code, out, stderr := runCLI(t, nil, "loadtest", "submit", "--target", srv.URL+"/", "--clients", "4", "--duration", "1s", "--record", record)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	last := lines[len(lines)-1]
	m := submitLineRE.FindStringSubmatch(last)
	if m == nil || m[1] != "0" {
		t.Fatalf("last line %q\n%s", last, out)
	}
	for _, want := range []string{"one submission = the whole flow: 7 requests", "full flow latency: p50_ms=", "  send ", "send POST alone"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	n := submissionsRE.FindStringSubmatch(out)
	data, err := os.ReadFile(record)
	if err != nil || n == nil {
		t.Fatalf("%v\n%s", err, out)
	}
	recs := strings.Split(strings.TrimSpace(string(data)), "\n")
	if strconv.Itoa(len(recs)) != n[1] || n[1] == "0" {
		t.Errorf("%d records for %s submissions", len(recs), n[1])
	}
	for _, l := range recs {
		if !recordLineRE.MatchString(l) {
			t.Errorf("record line %q", l)
		}
	}
}

// demoProcess is `torg demo` running as its own process.
type demoProcess struct {
	cmd  *exec.Cmd
	log  *lockedBuffer
	done chan struct{} // closed when the process has exited
	err  error         // its exit, once done is closed
}

// lockedBuffer is the process's output, written by exec's copier while
// the test may read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startDemo starts bin as `torg demo` on addr with data as its folder and
// waits until /readyz answers 200.
func startDemo(t *testing.T, bin, addr, data string) *demoProcess {
	t.Helper()
	p := &demoProcess{log: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "demo", "--addr", addr, "--data", data, "--signin-rate", "100000", "--log-level", "warn")
	p.cmd.Env = append(os.Environ(), "TORG_DATABASE_URL=")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		p.err = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("demo exited: %v\n%s", p.err, p.log)
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("demo not ready after 60 s\n%s", p.log)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestSubmissionsSurviveSIGKILL builds torg, runs `torg demo` on SQLite,
// sends the kindergarten form from 16 signed-in clients, kills the server
// with SIGKILL in the middle of that, starts it again on the same data
// folder and checks that every submission whose receipt redirect reached
// a client is there exactly once, with its reference and its signed
// receipt, and that the audit log's chain is intact.
//
// SIGKILL ends the process, not the machine: what the process had written
// survives in the operating system's page cache even without fsync, so
// this tests crash atomicity and that a receipt is only returned after the
// commit, not durability across a power cut (which synchronous=FULL is
// for and which no test here can cut).
func TestSubmissionsSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds torg and runs it as a separate process; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "torg")
	gocmd, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build torg with")
	}
	build := exec.Command(gocmd, "build", "-o", bin, "github.com/torg-ekommune/torg/cmd/torg")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	data := filepath.Join(dir, "data")
	addr := freeAddr(t)
	base := "http://" + addr
	srv := startDemo(t, bin, addr, data)

	var (
		mu   sync.Mutex
		recs []loadtest.Receipt
	)
	sc := &loadtest.Submit{Target: base, Tenant: "9999", PIDs: citizensOfDemo, Record: func(r loadtest.Receipt) {
		mu.Lock()
		recs = append(recs, r)
		mu.Unlock()
	}}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(recs)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type outcome struct {
		res loadtest.Result
		err error
	}
	ran := make(chan outcome, 1)
	go func() {
		res, err := loadtest.Run(ctx, loadtest.Options{Clients: 16, Duration: 20 * time.Second}, sc)
		ran <- outcome{res, err}
	}()
	// Kill once the load is well under way: after 100 receipts, or 6 s.
	deadline := time.Now().Add(6 * time.Second)
	for count() < 100 && time.Now().Before(deadline) {
		select {
		case o := <-ran:
			t.Fatalf("load ended before the kill: %+v %v\n%s", o.res, o.err, srv.log)
		case <-time.After(20 * time.Millisecond):
		}
	}
	if err := srv.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-srv.done
	killedAt := count()
	// Let the clients that were waiting for an answer see the connection
	// go, then stop the load.
	time.Sleep(300 * time.Millisecond)
	cancel()
	o := <-ran
	if o.err != nil {
		t.Fatal(o.err)
	}
	rep := sc.Report(o.res)
	t.Logf("killed after %d receipts; load: %d submissions, %d failed flows; reasons: %+v", killedAt, rep.Ops, rep.Errors, rep.Reasons)
	if len(recs) < 20 {
		t.Fatalf("only %d receipts before the kill: too few to tell anything\n%s", len(recs), srv.log)
	}
	if rep.Errors == 0 {
		t.Error("no flow failed: the kill did not happen under load")
	}

	// Start again on the same data, and look for every receipt as the
	// person who got it.
	srv = startDemo(t, bin, addr, data)
	clients := map[string]*http.Client{}
	for _, pid := range citizensOfDemo {
		c := loadtest.NewClient(http.DefaultTransport)
		if _, err := testidp.SignIn(context.Background(), c, base+"/k/9999/logg-inn", pid); err != nil {
			t.Fatalf("sign in %s after restart: %v", pid, err)
		}
		clients[pid] = c
	}
	get := func(c *http.Client, u string) (int, []byte) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, b
	}
	refs := map[string]string{} // reference → id
	ids := map[string]bool{}
	withoutRef := 0
	for _, r := range recs {
		if ids[r.ID] {
			t.Errorf("submission %s returned twice", r.ID)
		}
		ids[r.ID] = true
		status, body := get(clients[r.PID], base+"/k/9999/innsending/"+r.ID)
		if status != 200 {
			t.Errorf("receipt %s (%s) after restart: status %d", r.ID, r.Reference, status)
			continue
		}
		m := receiptRefRE.FindSubmatch(body)
		if m == nil {
			t.Errorf("receipt page %s shows no reference", r.ID)
			continue
		}
		ref := string(m[1])
		if r.Reference == "" {
			withoutRef++
		} else if ref != r.Reference {
			t.Errorf("submission %s: reference %s after restart, %s before", r.ID, ref, r.Reference)
		}
		if other, dup := refs[ref]; dup {
			t.Errorf("reference %s on %s and %s", ref, other, r.ID)
		}
		refs[ref] = r.ID
	}
	t.Logf("%d receipts found after restart (%d without a reference read before the kill)", len(recs), withoutRef)

	// The last receipts before the kill and a few early ones still verify
	// with the published keys, and are the bytes the clients got.
	_, jwks := get(clients[citizensOfDemo[0]], base+"/k/9999/kvittering/nokler.json")
	keys, err := receipt.ParsePublicKeys(jwks)
	if err != nil {
		t.Fatal(err)
	}
	var sample []loadtest.Receipt
	sample = append(sample, recs[:3]...)
	sample = append(sample, recs[len(recs)-3:]...)
	for _, r := range sample {
		status, js := get(clients[r.PID], base+"/k/9999/innsending/"+r.ID+"/kvittering.json")
		if status != 200 {
			t.Errorf("JSON receipt %s: status %d", r.ID, status)
			continue
		}
		rec, err := receipt.Verify(js, keys)
		if err != nil {
			t.Errorf("JSON receipt %s does not verify: %v", r.ID, err)
			continue
		}
		if r.JSON != nil && (!bytes.Equal(js, r.JSON) || rec.Reference != r.Reference) {
			t.Errorf("JSON receipt %s changed across the restart", r.ID)
		}
	}

	// Stop the server and count in the database itself: each recorded
	// submission once, no reference and no draft twice.
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case <-srv.done:
	case <-time.After(30 * time.Second):
		t.Fatal("demo did not stop at SIGTERM")
	}
	d, err := sql.Open("sqlite", filepath.Join(data, "torg.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	for _, r := range recs {
		var n int
		if err := d.QueryRow(`SELECT COUNT(*) FROM forms_submissions WHERE tenant_id = '9999' AND id = ?`, r.ID).Scan(&n); err != nil || n != 1 {
			t.Errorf("submission %s: %d rows (%v)", r.ID, n, err)
		}
	}
	for _, col := range []string{"reference", "draft_id"} {
		var dups int
		q := fmt.Sprintf(`SELECT COUNT(*) FROM (SELECT %s FROM forms_submissions WHERE tenant_id = '9999' GROUP BY %s HAVING COUNT(*) > 1)`, col, col)
		if err := d.QueryRow(q).Scan(&dups); err != nil || dups != 0 {
			t.Errorf("%d duplicated %s values (%v)", dups, col, err)
		}
	}
	var total int
	if err := d.QueryRow(`SELECT COUNT(*) FROM forms_submissions WHERE tenant_id = '9999' AND form_id = 'barnehageplass'`).Scan(&total); err != nil || total < len(recs) {
		t.Errorf("%d submissions in the database for %d receipts (%v)", total, len(recs), err)
	}
	t.Logf("%d submissions stored, %d of them with a receipt that reached a client", total, len(recs))
	d.Close()
	code, out, stderr := runCLI(t, map[string]string{"TORG_DATA": data}, "audit", "verify")
	if code != 0 {
		t.Errorf("audit verify after the crash: exit %d\n%s%s", code, out, stderr)
	}
	if t.Failed() {
		sc := bufio.NewScanner(strings.NewReader(srv.log.String()))
		for i := 0; sc.Scan() && i < 50; i++ {
			t.Log(sc.Text())
		}
	}
}
