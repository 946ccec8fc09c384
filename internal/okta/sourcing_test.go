package okta

import (
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

func newEmulatorClient(t *testing.T) (*Client, string) {
	t.Helper()
	emu, err := oktaemu.New(oktaemu.Options{Token: "tok", Seed: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(emu)
	t.Cleanup(srv.Close)
	c, err := NewClient(context.Background(), Config{OrgURL: srv.URL, APIToken: "tok", NoReadCache: true})
	if err != nil {
		t.Fatal(err)
	}
	return c, srv.URL
}

func setProfileSourcing(t *testing.T, base, appID string, on bool) {
	t.Helper()
	emuControlPut(t, base, "tok", "/__emulator/apps/"+appID+"/profile-sourcing", map[string]any{"enabled": on, "deactivation_action": "NONE"})
}

func TestCheckProfileSourcing(t *testing.T) {
	c, base := newEmulatorClient(t)
	ctx := context.Background()

	_, err := c.CheckProfileSourcing(ctx, []string{oktaemu.DemoDialpadAppID})
	var pse *ProfileSourcingError
	if !errors.As(err, &pse) {
		t.Fatalf("err = %v, want *ProfileSourcingError", err)
	}
	for _, want := range []string{
		"Applications -> Dialpad -> Provisioning -> To Okta -> Profile & Lifecycle Sourcing",
		`"Allow Dialpad to source Okta users"`, `"Do Nothing"`,
	} {
		if !strings.Contains(pse.Detail(), want) {
			t.Errorf("detail lacks %q:\n%s", want, pse.Detail())
		}
	}

	if _, err := c.CheckProfileSourcing(ctx, []string{"0oanosuchapp"}); !IsNotFound(err) {
		t.Errorf("unknown app: err = %v, want NotFound", err)
	}

	// Dialpad beside the HR app: fine, no warning.
	setProfileSourcing(t, base, oktaemu.DemoDialpadAppID, true)
	warnings, err := c.CheckProfileSourcing(ctx, []string{oktaemu.DemoDialpadAppID, MasterOkta})
	if err != nil || len(warnings) != 0 {
		t.Fatalf("with another profile source: warnings %v, err %v", warnings, err)
	}

	// Dialpad as the only profile source: the seed's warning.
	setProfileSourcing(t, base, oktaemu.DemoHRAppID, false)
	warnings, err = c.CheckProfileSourcing(ctx, []string{oktaemu.DemoDialpadAppID})
	if err != nil || len(warnings) != 1 || !strings.Contains(warnings[0].Detail, "Dialpad must not be the sole profile source") ||
		!strings.Contains(warnings[0].Detail, "bottom of the Profile Sources priority") {
		t.Fatalf("as the only profile source: warnings %+v, err %v", warnings, err)
	}
}
