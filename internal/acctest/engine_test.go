package acctest

import "testing"

func TestParseEngine(t *testing.T) {
	for _, c := range []struct {
		out  string
		want Engine
	}{
		{"Terraform v1.5.7\non linux_amd64\n", Engine{"Terraform", "1.5.7", "registry.terraform.io"}},
		{"Terraform v1.11.4\non linux_amd64\n\nYour version of Terraform is out of date!", Engine{"Terraform", "1.11.4", "registry.terraform.io"}},
		{"OpenTofu v1.10.10\non linux_amd64\n", Engine{"OpenTofu", "1.10.10", "registry.opentofu.org"}},
	} {
		got, err := parseEngine(c.out)
		if err != nil || got != c.want {
			t.Errorf("parseEngine(%q) = %+v, %v; want %+v", c.out, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "terraform 1.5.7", "Pulumi v3.0.0\n"} {
		if got, err := parseEngine(bad); err == nil {
			t.Errorf("parseEngine(%q) = %+v, want an error", bad, got)
		}
	}
}
