package oktaemu

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// The replay test runs each recording of real Okta traffic (testdata/okta-recordings, schema and
// mapping calls of terraform-provider-okta's acceptance tests against real orgs) on a fresh emulator
// and compares every step's status and the properties the recording's writes touch. FIDELITY.md,
// "Replayed real-Okta traffic", lists the steps that still answer differently and why.

type recording struct {
	Cassette string `json:"cassette"`
	Steps    []struct {
		Method string          `json:"method"`
		Path   string          `json:"path"`
		Query  string          `json:"query"`
		Body   json.RawMessage `json:"body"`
		Code   int             `json:"code"`
		Resp   json.RawMessage `json:"resp"`
	} `json:"steps"`
}

// replayConcurrent are the steps a recording shows were sent concurrently: each answer lacks the
// others' changes. They are replayed overlapping (sent 20 ms apart, each held 300 ms).
var replayConcurrent = map[string][][]int{
	"TestAccResourceOktaAppUserSchemas_parallel_api_calls__classic-00.yaml": {{0, 1, 2, 3, 4}, {53, 54, 55, 56, 57}},
	"TestAccResourceOktaUser_customProfileAttributes__classic-00.yaml":      {{18, 19}, {30, 31}},
}

// replayKnownDifferences are the steps allowed to answer unlike the recording, with the reason
// (also in FIDELITY.md). A difference not listed fails the test; a listed step that now matches
// fails it too, so the list stays exact.
var replayKnownDifferences = map[string]string{}

func TestReplayRecordings(t *testing.T) {
	raw, err := os.ReadFile("testdata/okta-recordings/schema-and-mapping-calls.json")
	if err != nil {
		t.Fatal(err)
	}
	var recs []recording
	if err := json.Unmarshal(raw, &recs); err != nil {
		t.Fatal(err)
	}
	total, same := 0, 0
	var unexpected []string
	seen := map[string]bool{}
	for _, rec := range recs {
		diffs := replay(t, rec)
		for i := range rec.Steps {
			total++
			id := fmt.Sprintf("%s#%d", strings.TrimSuffix(rec.Cassette, "__classic-00.yaml"), i)
			d, differs := diffs[i]
			_, known := replayKnownDifferences[id]
			seen[id] = known && differs
			switch {
			case !differs:
				same++
				if known {
					unexpected = append(unexpected, id+": listed as a known difference but now answers like the recording")
				}
			case !known:
				unexpected = append(unexpected, id+": "+d)
			}
		}
	}
	for id := range replayKnownDifferences {
		if _, ok := seen[id]; !ok {
			unexpected = append(unexpected, id+": listed as a known difference but is not a replayed step")
		}
	}
	t.Logf("replayed %d recorded real-Okta steps: %d (%.1f%%) answer like the recording", total, same, 100*float64(same)/float64(total))
	sort.Strings(unexpected)
	for _, u := range unexpected {
		t.Error(u)
	}
	if float64(same) < 0.95*float64(total) {
		t.Errorf("only %d of %d steps answer like the recording; the target is 95%%", same, total)
	}
}

// replay runs one recording on a fresh emulator and returns, by step index, how each differing step
// differs.
func replay(t *testing.T, rec recording) map[int]string {
	t.Helper()
	e, err := New(Options{Seed: "empty"})
	if err != nil {
		t.Fatal(err)
	}
	ids := seedFromRecording(t, e, rec)
	srv := newReplayServer(t, e)
	touched := touchedNames(rec)

	concurrentAt := map[int][]int{}
	inBurst := map[int]bool{}
	for _, burst := range replayConcurrent[rec.Cassette] {
		concurrentAt[burst[0]] = burst
		for _, i := range burst {
			inBurst[i] = true
		}
	}
	got := make([]replayAnswer, len(rec.Steps))
	for i, st := range rec.Steps {
		if burst, ok := concurrentAt[i]; ok {
			e.mu.Lock()
			e.knobs.latency = 300 * time.Millisecond
			e.mu.Unlock()
			var wg sync.WaitGroup
			for n, j := range burst {
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(time.Duration(n) * 20 * time.Millisecond)
					s := rec.Steps[j]
					got[j] = srv.send(s.Method, ids.path(s.Path), ids.query(s.Query), ids.body(s.Body))
				}()
			}
			wg.Wait()
			e.mu.Lock()
			e.knobs.latency = 0
			e.mu.Unlock()
			continue
		}
		if inBurst[i] {
			continue
		}
		got[i] = srv.send(st.Method, ids.path(st.Path), ids.query(st.Query), ids.body(st.Body))
	}
	diffs := map[int]string{}
	for i, st := range rec.Steps {
		g := got[i]
		if g.err != nil {
			diffs[i] = g.err.Error()
			continue
		}
		if g.status != st.Code {
			diffs[i] = fmt.Sprintf("status %d, recorded %d", g.status, st.Code)
			continue
		}
		if d := compareAnswer(st.Path, st.Resp, g.body, touched, ids); d != "" {
			diffs[i] = d
		}
	}
	return diffs
}

type replayAnswer struct {
	status int
	body   json.RawMessage
	err    error
}

type replayServer struct {
	url    string
	client *http.Client
}

func newReplayServer(t *testing.T, e *Emulator) *replayServer {
	srv := httptest.NewServer(e)
	t.Cleanup(srv.Close)
	return &replayServer{url: srv.URL, client: srv.Client()}
}

func (s *replayServer) send(method, path, query string, body []byte) replayAnswer {
	u := s.url + path
	if query != "" {
		u += "?" + query
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, u, rd)
	if err != nil {
		return replayAnswer{err: err}
	}
	req.Header.Set("Authorization", "SSWS "+DefaultToken)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := s.client.Do(req)
	if err != nil {
		return replayAnswer{err: err}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return replayAnswer{status: res.StatusCode, body: raw, err: err}
}

// replayIDs maps the recorded org's ids to the emulator's (only the user type differs: apps and the
// mapping are created with their recorded ids).
type replayIDs struct{ userType, mapping string }

func (m replayIDs) path(p string) string { return p }

func (m replayIDs) query(q string) string {
	if m.userType == "" {
		return q
	}
	return strings.ReplaceAll(q, m.userType, DemoDefaultUserTypeID)
}

func (m replayIDs) body(b json.RawMessage) []byte {
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	return b
}

// touchedNames are the property names the recording's writes name (custom, base, or mapping
// properties): the ones each answer is compared on.
func touchedNames(rec recording) map[string]bool {
	names := map[string]bool{}
	for _, st := range rec.Steps {
		if st.Method != http.MethodPost {
			continue
		}
		var body struct {
			Definitions map[string]struct {
				Properties map[string]json.RawMessage `json:"properties"`
			} `json:"definitions"`
			Properties map[string]json.RawMessage `json:"properties"`
		}
		if json.Unmarshal(st.Body, &body) != nil {
			continue
		}
		for _, sec := range body.Definitions {
			for n := range sec.Properties {
				names[n] = true
			}
		}
		for n := range body.Properties {
			names[n] = true
		}
	}
	return names
}

// seedFromRecording builds the recorded org's starting point in e: the app a recording writes to,
// with the base schema and untouched custom properties of its first answer; the user schema's
// untouched custom properties; for mappings, the source as an app (with the properties its
// expressions read) and the mapping's first recorded properties.
func seedFromRecording(t *testing.T, e *Emulator, rec recording) replayIDs {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	touched := touchedNames(rec)
	var ids replayIDs
	first := map[string]json.RawMessage{} // first answer per path
	for _, st := range rec.Steps {
		if _, ok := first[st.Path]; !ok && st.Code == http.StatusOK {
			first[st.Path] = st.Resp
		}
	}
	for _, path := range sortedKeys(first) {
		resp := first[path]
		switch {
		case strings.HasPrefix(path, "/api/v1/meta/schemas/apps/"):
			appID := strings.TrimSuffix(strings.TrimPrefix(path, "/api/v1/meta/schemas/apps/"), "/default")
			var doc struct {
				Name        string `json:"name"`
				Definitions struct {
					Base   struct{ Properties map[string]prop } `json:"base"`
					Custom struct{ Properties map[string]prop } `json:"custom"`
				} `json:"definitions"`
			}
			mustUnmarshal(t, resp, &doc)
			b := &orgBuilder{o: e.org, rng: newOrgBuilder().rng}
			a, err := b.addApp(appSpec{id: appID, name: doc.Name, label: doc.Name})
			if err != nil {
				t.Fatal(err)
			}
			d := a.schema.doc.current().clone()
			d.base = doc.Definitions.Base.Properties
			for n, p := range doc.Definitions.Custom.Properties {
				if !touched[n] {
					d.custom[n] = p
				}
			}
			a.schema.doc = newVersioned(seedTime, d)
		case path == "/api/v1/meta/schemas/user/default":
			var doc struct {
				Definitions struct {
					Custom struct{ Properties map[string]prop } `json:"custom"`
				} `json:"definitions"`
			}
			mustUnmarshal(t, resp, &doc)
			s := e.org.userSchema("default")
			d := s.doc.current().clone()
			for n, p := range doc.Definitions.Custom.Properties {
				if !touched[n] {
					d.custom[n] = p
				}
			}
			s.doc = newVersioned(seedTime, d)
		case strings.HasPrefix(path, "/api/v1/mappings/"):
			var m struct {
				ID     string `json:"id"`
				Source struct{ ID, Name, Type string }
				Target struct{ ID, Name, Type string }
				Props  map[string]mappingProp `json:"properties"`
			}
			mustUnmarshal(t, resp, &m)
			if m.Source.Type != "appuser" || m.Target.Type != "user" {
				t.Fatalf("%s: only app -> user mappings are replayed", rec.Cassette)
			}
			ids.userType, ids.mapping = m.Target.ID, m.ID
			spec := appSpec{id: m.Source.ID, name: m.Source.Name, label: m.Source.Name}
			for _, p := range m.Props {
				if name, ok := strings.CutPrefix(p.Expression, "appuser."); ok {
					spec.base = append(spec.base, appBaseProperty{name: name, title: name})
				}
			}
			b := &orgBuilder{o: e.org, rng: newOrgBuilder().rng}
			if _, err := b.addApp(spec); err != nil {
				t.Fatal(err)
			}
			mp := e.org.mappingFor(m.Source.ID, DemoDefaultUserTypeID)
			delete(e.org.mappingsByID, mp.id)
			mp.id = m.ID
			e.org.mappingsByID[mp.id] = mp
			mp.doc = newVersioned(seedTime, &mappingDoc{props: m.Props})
		}
	}
	return ids
}

func mustUnmarshal(t *testing.T, raw json.RawMessage, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatal(err)
	}
}

// compareAnswer compares an answer with the recorded one on the touched properties (schemas,
// mappings) or, for a mapping list, on the touched mapping's presence and ends.
func compareAnswer(path string, recorded, got json.RawMessage, touched map[string]bool, ids replayIDs) string {
	var rec, emu any
	if err := json.Unmarshal(recorded, &rec); err != nil {
		return "recorded answer: " + err.Error()
	}
	if err := json.Unmarshal(got, &emu); err != nil {
		return "answer: " + err.Error()
	}
	switch {
	case strings.HasPrefix(path, "/api/v1/meta/schemas/"):
		var out []string
		for _, sec := range []string{"custom", "base"} {
			rp, _ := dig(rec, "definitions", sec, "properties").(map[string]any)
			ep, _ := dig(emu, "definitions", sec, "properties").(map[string]any)
			for _, n := range sortedKeys(touched) {
				if d := compareValue(sec+"."+n, rp[n], ep[n]); d != "" {
					out = append(out, d)
				}
			}
		}
		return strings.Join(out, "; ")
	case path == "/api/v1/mappings":
		// Only the mapping the recording reads by id exists in the replay; compare its entry.
		find := func(l any) any {
			list, _ := l.([]any)
			for _, m := range list {
				if dig(m, "id") == ids.mapping {
					return m
				}
			}
			return nil
		}
		rm, em := find(rec), find(emu)
		if (rm == nil) != (em == nil) {
			return fmt.Sprintf("mapping %s listed: %v, recorded %v", ids.mapping, em != nil, rm != nil)
		}
		if rm != nil && (dig(rm, "source", "id") != dig(em, "source", "id") || dig(rm, "source", "type") != dig(em, "source", "type") ||
			dig(em, "target", "type") != dig(rm, "target", "type")) {
			return fmt.Sprintf("mapping %s: ends differ", ids.mapping)
		}
		return ""
	default: // one mapping
		rp, _ := dig(rec, "properties").(map[string]any)
		ep, _ := dig(emu, "properties").(map[string]any)
		var out []string
		for _, n := range sortedKeys(touched) {
			if d := compareValue("properties."+n, rp[n], ep[n]); d != "" {
				out = append(out, d)
			}
		}
		return strings.Join(out, "; ")
	}
}

func compareValue(name string, rec, emu any) string {
	switch {
	case rec == nil && emu == nil:
		return ""
	case rec == nil:
		return name + " present, recorded absent"
	case emu == nil:
		return name + " absent, recorded present"
	case reflect.DeepEqual(rec, emu):
		return ""
	}
	rm, rok := rec.(map[string]any)
	em, eok := emu.(map[string]any)
	if !rok || !eok {
		return fmt.Sprintf("%s = %v, recorded %v", name, emu, rec)
	}
	var out []string
	for _, k := range sortedKeys(mergeKeys(rm, em)) {
		if !reflect.DeepEqual(rm[k], em[k]) {
			out = append(out, fmt.Sprintf("%s.%s = %s, recorded %s", name, k, jsonString(em[k]), jsonString(rm[k])))
		}
	}
	return strings.Join(out, "; ")
}

func mergeKeys(a, b map[string]any) map[string]bool {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	return keys
}

func jsonString(v any) string {
	if v == nil {
		return "absent"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func dig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}
