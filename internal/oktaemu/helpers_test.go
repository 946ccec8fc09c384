package oktaemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// testEmu is an emulator served by httptest for one test.
type testEmu struct {
	t   *testing.T
	emu *Emulator
	srv *httptest.Server
}

// startEmu starts an emulator (demo seed unless opts says otherwise) for the test.
func startEmu(t *testing.T, opts Options) *testEmu {
	t.Helper()
	emu, err := New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	return &testEmu{t: t, emu: emu, srv: srv}
}

// resp is a decoded response.
type resp struct {
	status int
	header http.Header
	raw    []byte
}

func (r resp) json(t *testing.T) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(r.raw, &v); err != nil {
		t.Fatalf("response is not JSON: %v\n%s", err, r.raw)
	}
	return v
}

func (r resp) obj(t *testing.T) map[string]any {
	t.Helper()
	m, ok := r.json(t).(map[string]any)
	if !ok {
		t.Fatalf("response is not an object: %s", r.raw)
	}
	return m
}

func (r resp) list(t *testing.T) []any {
	t.Helper()
	l, ok := r.json(t).([]any)
	if !ok {
		t.Fatalf("response is not a list: %s", r.raw)
	}
	return l
}

// call sends a request with the given Authorization header value ("" for none). body may be a string
// (sent as is) or any value (JSON-encoded).
func (te *testEmu) call(method, path, auth string, body any) resp {
	te.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			te.t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req, err := http.NewRequest(method, te.srv.URL+path, rd)
	if err != nil {
		te.t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := te.srv.Client().Do(req)
	if err != nil {
		te.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		te.t.Fatal(err)
	}
	return resp{status: res.StatusCode, header: res.Header, raw: raw}
}

// do calls the API with the default SSWS token.
func (te *testEmu) do(method, path string, body any) resp {
	te.t.Helper()
	return te.call(method, path, "SSWS "+DefaultToken, body)
}

// mustDo is do that fails the test unless the status is want.
func (te *testEmu) mustDo(want int, method, path string, body any) resp {
	te.t.Helper()
	r := te.do(method, path, body)
	if r.status != want {
		te.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, r.status, want, r.raw)
	}
	return r
}

func (te *testEmu) stats() Stats {
	te.t.Helper()
	r := te.mustDo(200, "GET", "/__emulator/stats", nil)
	var s Stats
	if err := json.Unmarshal(r.raw, &s); err != nil {
		te.t.Fatal(err)
	}
	return s
}

// wantError asserts an Okta error response with the given status and code, and returns its causes.
func wantError(t *testing.T, r resp, status int, code string) []string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.raw)
	}
	m := r.obj(t)
	for _, k := range []string{"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("error body lacks %s: %s", k, r.raw)
		}
	}
	if m["errorCode"] != code {
		t.Fatalf("errorCode %v, want %s: %s", m["errorCode"], code, r.raw)
	}
	var causes []string
	for _, c := range m["errorCauses"].([]any) {
		causes = append(causes, c.(map[string]any)["errorSummary"].(string))
	}
	return causes
}

func wantCause(t *testing.T, causes []string, substr string) {
	t.Helper()
	for _, c := range causes {
		if strings.Contains(c, substr) {
			return
		}
	}
	t.Fatalf("no errorCause contains %q; causes: %q", substr, causes)
}

// path walks nested maps by keys.
func path(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %q: not an object", k)
		}
		v = m[k]
	}
	return v
}

func customProps(t *testing.T, schema map[string]any) map[string]any {
	t.Helper()
	p, _ := path(t, schema, "definitions", "custom", "properties").(map[string]any)
	return p
}

// addProp is a schema POST body adding/replacing (or, with nil, removing) one custom property.
func addProp(name string, p any) map[string]any {
	return map[string]any{"definitions": map[string]any{"custom": map[string]any{
		"id": "#custom", "type": "object", "properties": map[string]any{name: p}}}}
}

func strProp(title string) map[string]any {
	return map[string]any{"title": title, "type": "string"}
}

func mappingProps(props map[string]any) map[string]any { return map[string]any{"properties": props} }

// mappingID finds the id of the mapping between source and target.
func (te *testEmu) mappingID(source, target string) string {
	te.t.Helper()
	r := te.mustDo(200, "GET", "/api/v1/mappings?sourceId="+source+"&targetId="+target, nil)
	l := r.list(te.t)
	if len(l) != 1 {
		te.t.Fatalf("want one mapping %s -> %s, got %d", source, target, len(l))
	}
	return l[0].(map[string]any)["id"].(string)
}
