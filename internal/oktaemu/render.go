package oktaemu

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// oktaTime formats timestamps as Okta does: millisecond precision, UTC, "Z".
func oktaTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// origin is the org URL as the caller reached it; Okta's links and schema ids are absolute.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func href(u string) map[string]any { return map[string]any{"href": u} }

func hrefMethod(u, method string) map[string]any { return map[string]any{"href": u, "method": method} }

// writePage answers one page of items with Okta's cursor pagination: limit (default defLimit, at most
// maxLimit) and after (the cursor: idOf of the last item of the previous page), and a Link header with
// rel="self" and, unless this is the last page, rel="next". Callers hold e.mu.
func writePage[T any](e *Emulator, w http.ResponseWriter, r *http.Request, items []T, idOf func(T) string,
	defLimit, maxLimit int, render func(T) any) {
	q := r.URL.Query()
	limit := defLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			e.writeErrorLocked(w, errValidation("limit", "limit: The value must be a non-negative integer."))
			return
		}
		if n > 0 {
			limit = min(n, maxLimit)
		}
	}
	lo := 0
	if after := q.Get("after"); after != "" {
		lo = len(items)
		for i, it := range items {
			if idOf(it) == after {
				lo = i + 1
				break
			}
		}
	}
	hi := min(lo+limit, len(items))
	base := origin(r) + r.URL.Path
	w.Header().Add("Link", "<"+base+encodeQuery(cloneQuery(q))+`>; rel="self"`)
	if hi < len(items) && hi > lo {
		next := cloneQuery(q)
		next.Set("after", idOf(items[hi-1]))
		next.Set("limit", strconv.Itoa(limit))
		w.Header().Add("Link", "<"+base+encodeQuery(next)+`>; rel="next"`)
	}
	out := []any{}
	for _, it := range items[lo:hi] {
		out = append(out, render(it))
	}
	writeJSON(w, http.StatusOK, out)
}

func cloneQuery(q url.Values) url.Values {
	c := url.Values{}
	for k, v := range q {
		c[k] = append([]string(nil), v...)
	}
	return c
}

func encodeQuery(q url.Values) string {
	if len(q) == 0 {
		return ""
	}
	return "?" + strings.ReplaceAll(q.Encode(), "+", "%20")
}
