package loadtest

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/torg-ekommune/torg/internal/identity/testidp"
	"github.com/torg-ekommune/torg/internal/nin"
)

// Submit is the kindergarten application scenario, as a signed-in citizen
// sends it without JavaScript: each client signs in once through the test
// provider, then again and again starts a draft of the form
// "barnehageplass", posts its four pages with valid answers and sends it:
//
//	POST /k/{Tenant}/skjema/barnehageplass                303 to .../side/soker
//	POST .../side/soker, side/barn, side/plass, side/okonomi   303 to the next step
//	POST .../send                                         303 to /k/{Tenant}/innsending/{id}
//
// One iteration of [Run] is that whole flow, six POSTs; it counts as a
// submission only when the send was answered with 303 to an /innsending/
// URL. The client does not GET the pages between the POSTs (a browser
// would). Use a *Submit with Run, then [Submit.Report].
type Submit struct {
	Target string   // e.g. "http://127.0.0.1:8080"
	Tenant string   // kommunenummer; pages are under /k/{Tenant}/
	PIDs   []string // test persons to sign in as, round robin; several clients may share one
	// Record, when set, is called for every submission whose receipt
	// redirect came back, one call at a time. Before the call the client
	// GETs the submission's JSON receipt to learn its reference (Reference
	// is "" if that fails); that GET is a seventh request per flow, timed
	// as the step "receipt", so runs with Record are not comparable with
	// runs without.
	Record func(Receipt)

	mu      sync.Mutex
	clients []*submitClient
	reasons []Reason
	once    sync.Once
	pages   []formPage
}

// Receipt is what a client got back for one submission.
type Receipt struct {
	ID        string // the submission id from /innsending/{id}
	Reference string // e.g. "2026/00042", from the JSON receipt; "" when it could not be read
	PID       string // the person who sent it
	JSON      []byte // the signed JSON receipt, when it was read
}

// Reason is one distinct kind of error and how often it happened.
type Reason struct {
	Text  string
	Count int64
}

// maxReasons bounds how many distinct error reasons are kept.
const maxReasons = 20

// The requests of one flow, in order; stepReceipt only with Record.
const (
	stepStart = iota
	stepSoker
	stepBarn
	stepPlass
	stepOkonomi
	stepSend
	stepReceipt
	numSteps
)

var stepNames = [numSteps]string{"start", "side/soker", "side/barn", "side/plass", "side/okonomi", "send", "receipt"}

type submitClient struct {
	pid string
	lat [numSteps][]time.Duration
}

// formPage is one step of the form and the answers posted to it.
type formPage struct {
	id     string
	values url.Values
}

// kindergartenPages returns the four pages of the kindergarten form with
// the valid answers the scenario posts to them, for a child born about two
// years before now. Name and fødselsnummer of the applicant come from the
// sign-in (the server fills them in).
func kindergartenPages(now time.Time) ([]formPage, error) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		oslo = time.FixedZone("CET", 3600)
	}
	today := now.In(oslo)
	birth := time.Date(today.Year()-2, today.Month(), 1, 12, 0, 0, 0, oslo)
	var child nin.Number
	for individual := 512; ; individual++ {
		if child, err = nin.Generate(birth, individual, nin.Synthetic); err == nil {
			break
		}
		if individual > 999 {
			return nil, fmt.Errorf("loadtest: no synthetic fødselsnummer for %s: %w", birth.Format("2006-01-02"), err)
		}
	}
	return []formPage{
		{"soker", url.Values{"address.street": {"Storgata 1"}, "address.postal_code": {"0155"}, "address.postal_town": {"Oslo"},
			"phone": {"912 34 567"}, "email": {"loadtest@example.no"}}},
		{"barn", url.Values{"children.0.child_name": {"Emma Nordmann"}, "children.0.child_fnr": {child.String()},
			"children.0.birth_date": {birth.Format("02.01.2006")}, "children.0.needs_support": {"false"}}},
		{"plass", url.Values{"start_date": {today.AddDate(0, 2, 0).Format("02.01.2006")}, "kindergartens": {"trollskogen", "solsikken", ""},
			"has_sibling": {"false"}}},
		{"okonomi", url.Values{"apply_reduction": {"false"}}},
	}, nil
}

// Setup signs client i in as a citizen.
func (s *Submit) Setup(ctx context.Context, c *http.Client, i int) error {
	var err error
	s.once.Do(func() { s.pages, err = kindergartenPages(time.Now()) })
	if err != nil {
		return err
	}
	if len(s.pages) == 0 {
		return errors.New("loadtest: no form answers")
	}
	if len(s.PIDs) == 0 {
		return errors.New("loadtest: the submit scenario needs test persons to sign in as")
	}
	pid := s.PIDs[i%len(s.PIDs)]
	if _, err := testidp.SignIn(ctx, c, s.base()+"logg-inn", pid); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.clients) <= i {
		s.clients = append(s.clients, nil)
	}
	s.clients[i] = &submitClient{pid: pid}
	return nil
}

func (s *Submit) base() string { return s.Target + "/k/" + s.Tenant + "/" }

func (s *Submit) client(i int) *submitClient {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i < 0 || i >= len(s.clients) {
		return nil
	}
	return s.clients[i]
}

// Iterate goes through the form once and sends it.
func (s *Submit) Iterate(ctx context.Context, c *http.Client, i int) error {
	cl := s.client(i)
	if cl == nil {
		return fmt.Errorf("loadtest: client %d was not set up", i)
	}
	err := s.flow(ctx, c, cl)
	if err != nil {
		s.noteError(err)
	}
	return err
}

func (s *Submit) flow(ctx context.Context, c *http.Client, cl *submitClient) error {
	loc, err := s.post(ctx, c, cl, stepStart, s.base()+"skjema/barnehageplass", nil)
	if err != nil {
		return err
	}
	for k, pg := range s.pages {
		if !strings.HasSuffix(loc.Path, "/side/"+pg.id) {
			return fmt.Errorf("POST %s: went to %s, want side/%s", stepNames[k], shortPath(loc.Path), pg.id)
		}
		v := url.Values{"handling": {"next"}}
		for key, x := range pg.values {
			v[key] = x
		}
		if loc, err = s.post(ctx, c, cl, stepSoker+k, loc.String(), v); err != nil {
			return err
		}
	}
	if !strings.HasSuffix(loc.Path, "/oppsummering") {
		return fmt.Errorf("POST %s: went to %s, want oppsummering", stepNames[stepOkonomi], shortPath(loc.Path))
	}
	send := *loc
	send.Path = strings.TrimSuffix(loc.Path, "oppsummering") + "send"
	if loc, err = s.post(ctx, c, cl, stepSend, send.String(), nil); err != nil {
		return err
	}
	dir, id := path.Split(loc.Path)
	if !strings.HasSuffix(dir, "/innsending/") || id == "" {
		return fmt.Errorf("POST send: went to %s, want innsending/{id}", shortPath(loc.Path))
	}
	if s.Record != nil {
		rec := Receipt{ID: id, PID: cl.pid}
		rec.JSON, rec.Reference = s.fetchReceipt(ctx, c, cl, loc.String()+"/kvittering.json")
		s.mu.Lock()
		s.Record(rec)
		s.mu.Unlock()
	}
	return nil
}

// post posts v to u and wants 303; it returns the redirect's target and
// keeps the request's latency under step.
func (s *Submit) post(ctx context.Context, c *http.Client, cl *submitClient, step int, u string, v url.Values) (*url.URL, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(v.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("POST %s: %w", stepNames[step], transportErr(err))
	}
	var title string
	if resp.StatusCode != http.StatusSeeOther {
		title = pageTitle(resp.Body)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if resp.StatusCode != http.StatusSeeOther {
		if title != "" {
			return nil, fmt.Errorf("POST %s: status %d (%s)", stepNames[step], resp.StatusCode, title)
		}
		return nil, fmt.Errorf("POST %s: status %d", stepNames[step], resp.StatusCode)
	}
	loc, err := resp.Location()
	if err != nil {
		return nil, fmt.Errorf("POST %s: 303 without Location", stepNames[step])
	}
	cl.lat[step] = append(cl.lat[step], d)
	return loc, nil
}

var referenceRE = regexp.MustCompile(`"reference"\s*:\s*"([^"]+)"`)

// fetchReceipt GETs a submission's JSON receipt and returns it with the
// reference it names; nothing when that fails.
func (s *Submit) fetchReceipt(ctx context.Context, c *http.Client, cl *submitClient, u string) ([]byte, string) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, ""
	}
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return nil, ""
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil || resp.StatusCode != http.StatusOK {
		return nil, ""
	}
	cl.lat[stepReceipt] = append(cl.lat[stepReceipt], time.Since(t0))
	m := referenceRE.FindSubmatch(b)
	if m == nil {
		return b, ""
	}
	return b, string(m[1])
}

var titleRE = regexp.MustCompile(`(?s)<title>(.*?)</title>`)

// pageTitle is the title of an HTML error page, for error reasons.
func pageTitle(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	m := titleRE.FindSubmatch(b)
	if m == nil {
		return ""
	}
	t := strings.Join(strings.Fields(html.UnescapeString(string(m[1]))), " ")
	if len(t) > 120 {
		t = t[:120] + "…"
	}
	return t
}

// transportErr drops the URL (with its draft id) and the addresses (with
// the client's port) from a client error, so that equal failures read
// alike; errors.Is still sees the cause.
func transportErr(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Err
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// shortPath is p from "skjema/" or "innsending/" on, without the ids'
// variety mattering much for reading.
func shortPath(p string) string {
	for _, k := range []string{"/skjema/", "/innsending/"} {
		if i := strings.Index(p, k); i >= 0 {
			return p[i+1:]
		}
	}
	return p
}

// noteError keeps err's text among the distinct reasons.
func (s *Submit) noteError(err error) {
	text := err.Error()
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.reasons {
		if s.reasons[i].Text == text {
			s.reasons[i].Count++
			return
		}
	}
	if len(s.reasons) < maxReasons {
		s.reasons = append(s.reasons, Reason{Text: text, Count: 1})
	}
}

// StepStats are the latencies of one kind of request, counting the
// requests that got the answer the flow wants.
type StepStats struct {
	Name     string
	N        int64
	P50, P99 time.Duration
}

// SubmitReport is the outcome of a submit run.
type SubmitReport struct {
	// Result is Run's: Ops are submissions (whole flows whose send was
	// answered with the receipt redirect), Errors failed flows, P50 and P99
	// the latency of the whole flow.
	Result
	Steps    []StepStats // per request kind, in flow order; "receipt" only with Record
	Requests int64       // requests that got the answer wanted, all kinds
	Reasons  []Reason    // distinct error reasons, first seen first (at most 20 kept)
}

// Report puts together a run's figures; call it after Run returned.
func (s *Submit) Report(res Result) SubmitReport {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := SubmitReport{Result: res, Reasons: slices.Clone(s.reasons)}
	for step := range numSteps {
		if step == stepReceipt && s.Record == nil {
			continue
		}
		var all []time.Duration
		for _, cl := range s.clients {
			if cl != nil {
				all = append(all, cl.lat[step]...)
			}
		}
		st := StepStats{Name: stepNames[step], N: int64(len(all))}
		st.P50, st.P99 = percentiles(all)
		r.Steps = append(r.Steps, st)
		r.Requests += st.N
	}
	return r
}

func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	slices.Sort(d)
	return d[len(d)*50/100], d[min(len(d)-1, len(d)*99/100)]
}

// Send is the latency of the send POST, the request that makes the
// submission.
func (r SubmitReport) Send() StepStats {
	for _, st := range r.Steps {
		if st.Name == "send" {
			return st
		}
	}
	return StepStats{Name: "send"}
}

// Line is the one-line summary `torg loadtest submit` ends with:
//
//	submissions/s=N p50_ms=X p99_ms=Y errors=E
//
// N is whole flows (start, four pages, send) completed per second, with one
// decimal; X and Y are the 50th and 99th percentile latency of the send
// POST alone, in milliseconds with two decimals; E is the number of flows
// that failed.
func (r SubmitReport) Line() string {
	send := r.Send()
	return fmt.Sprintf("submissions/s=%.1f p50_ms=%.2f p99_ms=%.2f errors=%d", r.Rate(), ms(send.P50), ms(send.P99), r.Errors)
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// Details are the lines printed before Line: what one submission is, the
// full-flow rate and latency, every request kind's latency and the first
// distinct errors (at most maxShown).
func (r SubmitReport) Details(maxShown int) []string {
	secs := r.Elapsed.Seconds()
	perSec := func(n int64) float64 {
		if secs <= 0 {
			return 0
		}
		return float64(n) / secs
	}
	n := len(r.Steps)
	out := []string{
		fmt.Sprintf("one submission = the whole flow: %d requests (%s)", n, stepList(r.Steps)),
		fmt.Sprintf("submissions: %d in %.2fs = %.1f/s (whole flows whose send returned the receipt redirect)", r.Ops, secs, r.Rate()),
		fmt.Sprintf("full flow latency: p50_ms=%.2f p99_ms=%.2f", ms(r.P50), ms(r.P99)),
		fmt.Sprintf("requests: %d in %.2fs = %.1f/s (answered as the flow wants)", r.Requests, secs, perSec(r.Requests)),
	}
	for _, st := range r.Steps {
		out = append(out, fmt.Sprintf("  %-13s n=%-7d p50_ms=%.2f p99_ms=%.2f", st.Name, st.N, ms(st.P50), ms(st.P99)))
	}
	out = append(out, fmt.Sprintf("errors: %d failed flows", r.Errors))
	for i, re := range r.Reasons {
		if i == maxShown {
			out = append(out, fmt.Sprintf("  ... %d more distinct reasons", len(r.Reasons)-maxShown))
			break
		}
		out = append(out, fmt.Sprintf("  %d× %s", re.Count, re.Text))
	}
	out = append(out, "last line: submissions/s is whole flows per second; p50_ms and p99_ms are the send POST alone")
	return out
}

func stepList(steps []StepStats) string {
	var b strings.Builder
	for i, st := range steps {
		if i > 0 {
			b.WriteString(", ")
		}
		if st.Name == "receipt" {
			b.WriteString("GET ")
		} else {
			b.WriteString("POST ")
		}
		b.WriteString(st.Name)
	}
	return b.String()
}
