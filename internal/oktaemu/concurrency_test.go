package oktaemu

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentUse hammers every kind of call at once; run with -race it proves the locking.
func TestConcurrentUse(t *testing.T) {
	te := startEmu(t, Options{})
	toApp := te.mappingID(DemoDefaultUserTypeID, DemoDialpadAppID)
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5 {
				name := fmt.Sprintf("c%d_%d", g, i)
				calls := []struct {
					method, path string
					body         any
				}{
					{"POST", "/api/v1/meta/schemas/user/default", addProp(name, strProp(name))},
					{"GET", "/api/v1/meta/schemas/user/default", nil},
					{"POST", "/api/v1/mappings/" + toApp, mappingProps(map[string]any{"title": map[string]any{"expression": "user.title"}})},
					{"GET", "/api/v1/mappings/" + toApp, nil},
					{"PUT", "/api/internal/v1/mappings/reapply?source=" + DemoHRAppID + "&target=default", nil},
					{"POST", "/__emulator/apps/" + DemoDialpadAppID + "/import", nil},
					{"GET", "/api/v1/users?limit=20", nil},
					{"GET", "/__emulator/stats", nil},
					{"POST", "/api/v1/meta/schemas/user/default", addProp(name, nil)},
				}
				for _, c := range calls {
					if r := te.do(c.method, c.path, c.body); r.status >= 300 {
						t.Errorf("%s %s: %d %s", c.method, c.path, r.status, r.raw)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	// Overlapping writes to one schema or mapping lose each other's changes, as in Okta (see
	// arrivalBase), so fewer than all 30 deletions may find their property.
	if s := te.stats(); s.Total != 1+6*5*7 || s.Deletes > 6*5 {
		t.Fatalf("stats %+v", s)
	}
}
