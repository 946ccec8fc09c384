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

// paginate applies Okta's cursor pagination (limit/after) to ids and sets the Link header.
// It returns the [lo, hi) range of the page, or ok=false with an error already chosen by the caller.
func paginate(w http.ResponseWriter, r *http.Request, ids []string, defLimit, maxLimit int) (lo, hi int, apiErr *apiError) {
	q := r.URL.Query()
	limit := defLimit
	if s := q.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			return 0, 0, errValidation("limit", "limit: The value must be a non-negative integer.")
		}
		if n > 0 {
			limit = min(n, maxLimit)
		}
	}
	lo = 0
	if after := q.Get("after"); after != "" {
		lo = len(ids)
		for i, id := range ids {
			if id == after {
				lo = i + 1
				break
			}
		}
	}
	hi = min(lo+limit, len(ids))
	base := origin(r) + r.URL.Path
	self := cloneQuery(q)
	links := []string{"<" + base + encodeQuery(self) + `>; rel="self"`}
	if hi < len(ids) && hi > lo {
		next := cloneQuery(q)
		next.Set("after", ids[hi-1])
		next.Set("limit", strconv.Itoa(limit))
		links = append(links, "<"+base+encodeQuery(next)+`>; rel="next"`)
	}
	for _, l := range links {
		w.Header().Add("Link", l)
	}
	return lo, hi, nil
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
