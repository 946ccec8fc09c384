package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

type schema struct {
	Definitions struct {
		Custom struct {
			Properties map[string]any `json:"properties"`
		} `json:"custom"`
	} `json:"definitions"`
}

func attr(name string) map[string]any {
	return map[string]any{"definitions": map[string]any{"custom": map[string]any{"id": "#custom", "type": "object",
		"properties": map[string]any{name: map[string]any{"title": name, "type": "string"}}}}}
}

func TestSweepRemovesOnlyTfacc(t *testing.T) {
	e, err := oktaemu.New(oktaemu.Options{Token: "t"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(e)
	defer srv.Close()
	ctx := context.Background()
	c, err := okta.NewClient(ctx, okta.Config{OrgURL: srv.URL, APIToken: "t", MaxRetries: 2, MaxBackoff: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	userSchema := "/api/v1/meta/schemas/user/default"
	appSchema := "/api/v1/meta/schemas/apps/" + oktaemu.DemoDialpadAppID + "/default"
	read := func(p string) map[string]any {
		var s schema
		if err := c.Raw(ctx, "GET", p, nil, nil, &s); err != nil {
			t.Fatal(err)
		}
		return s.Definitions.Custom.Properties
	}
	var mappings []struct {
		ID string `json:"id"`
	}
	if err := c.Raw(ctx, "GET", "/api/v1/mappings", url.Values{"sourceId": {oktaemu.DemoDialpadAppID}, "targetId": {oktaemu.DemoDefaultUserTypeID}}, nil, &mappings); err != nil || len(mappings) != 1 {
		t.Fatalf("mapping Dialpad -> user: %v %v", mappings, err)
	}
	mappingPath := "/api/v1/mappings/" + mappings[0].ID
	readMapping := func() map[string]any {
		var m struct {
			Properties map[string]any `json:"properties"`
		}
		if err := c.Raw(ctx, "GET", mappingPath, nil, nil, &m); err != nil {
			t.Fatal(err)
		}
		return m.Properties
	}
	userBefore, appBefore, mappingBefore := read(userSchema), read(appSchema), readMapping()

	for p, name := range map[string]string{userSchema: "tfaccabcPhone", appSchema: "tfaccabcDialpadPhone"} {
		if err := c.Raw(ctx, "POST", p, nil, attr(name), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.Raw(ctx, "POST", mappingPath, nil, map[string]any{"properties": map[string]any{
		"tfaccabcPhone": map[string]any{"expression": "appuser.tfaccabcDialpadPhone", "pushStatus": "DONT_PUSH"}}}, nil); err != nil {
		t.Fatal(err)
	}

	var log bytes.Buffer
	if r := Run(ctx, c, true, &log); r.Attributes != 2 || r.MappingProperties != 1 || len(r.Errors) != 0 {
		t.Fatalf("dry run: %+v\n%s", r, log.String())
	}
	if _, ok := read(userSchema)["tfaccabcPhone"]; !ok {
		t.Fatal("the dry run removed something")
	}
	log.Reset()
	if r := Run(ctx, c, false, &log); r.Attributes != 2 || r.MappingProperties != 1 || len(r.Errors) != 0 {
		t.Fatalf("sweep: %+v\n%s", r, log.String())
	}
	if !strings.Contains(log.String(), "tfaccabcPhone") {
		t.Errorf("log does not name what was removed:\n%s", log.String())
	}
	for name, pair := range map[string][2]map[string]any{
		"user schema": {userBefore, read(userSchema)}, "app schema": {appBefore, read(appSchema)}, "mapping": {mappingBefore, readMapping()},
	} {
		if !reflect.DeepEqual(norm(pair[0]), norm(pair[1])) {
			t.Errorf("%s is not back to the seed:\nbefore %v\nafter  %v", name, pair[0], pair[1])
		}
	}
}

func norm(m map[string]any) any {
	b, _ := json.Marshal(m)
	var v any
	_ = json.Unmarshal(b, &v)
	return v
}
