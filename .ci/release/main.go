// Command release builds the provider's registry-style release artefacts without goreleaser
// (which cannot be installed offline), with the names .goreleaser.yml gives them:
//
//	dist/terraform-provider-dialpad_<version>_<os>_<arch>.zip  holding terraform-provider-dialpad_v<version>
//	dist/terraform-provider-dialpad_<version>_SHA256SUMS
//	dist/terraform-provider-dialpad_<version>_manifest.json    (terraform-registry-manifest.json)
//
// With -mirror DIR it also lays the zips out as a Terraform filesystem_mirror (packed layout):
// DIR/registry.terraform.io/dialpad/dialpad/<zip>, and the same under registry.opentofu.org for
// OpenTofu. With -verify it re-reads every artefact and
// checks the checksums, the archive contents and the manifest.
//
// Usage: go run ./.ci/release -version 0.1.0 [-dist dist] [-mirror dist/mirror] [-verify] os_arch...
package main

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

const (
	project   = "terraform-provider-dialpad"
	namespace = "dialpad"
	typeName  = "dialpad"
	manifest  = "terraform-registry-manifest.json"
)

// mirrorHosts are the registry hosts the filesystem mirror serves the provider under.
var mirrorHosts = []string{"registry.terraform.io", "registry.opentofu.org"}

func main() {
	version := flag.String("version", "", "release version, semver without the leading v")
	dist := flag.String("dist", "dist", "output directory")
	mirror := flag.String("mirror", "", "also lay the zips out as a filesystem_mirror under this directory")
	verify := flag.Bool("verify", false, "verify the artefacts after building them")
	flag.Parse()
	if err := run(*version, *dist, *mirror, *verify, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}

var semver = regexp.MustCompile(`^[0-9]+\.[0-9]+\.[0-9]+(-[0-9A-Za-z.-]+)?$`)

func run(version, dist, mirror string, verify bool, platforms []string) error {
	if !semver.MatchString(version) {
		return fmt.Errorf("-version %q is not semver (X.Y.Z[-pre])", version)
	}
	if len(platforms) == 0 {
		return fmt.Errorf("no platforms given (e.g. linux_amd64)")
	}
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return err
	}
	sums := map[string]string{}
	for _, p := range platforms {
		goos, goarch, ok := strings.Cut(p, "_")
		if !ok {
			return fmt.Errorf("platform %q is not os_arch", p)
		}
		start := time.Now()
		zipName := fmt.Sprintf("%s_%s_%s_%s.zip", project, version, goos, goarch)
		if err := buildZip(version, goos, goarch, filepath.Join(dist, zipName)); err != nil {
			_ = os.Remove(filepath.Join(dist, zipName))
			return fmt.Errorf("%s: %w", p, err)
		}
		sum, err := sha256File(filepath.Join(dist, zipName))
		if err != nil {
			return err
		}
		sums[zipName] = sum
		fmt.Printf("built %s in %s\n", filepath.Join(dist, zipName), time.Since(start).Round(time.Second))
	}

	manifestName := fmt.Sprintf("%s_%s_manifest.json", project, version)
	body, err := os.ReadFile(manifest)
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dist, manifestName), body, 0o644); err != nil {
		return err
	}
	sums[manifestName] = hex.EncodeToString(sha256Bytes(body))

	// goreleaser's checksum file lists every artefact of the release; a host-only build lists
	// what it built, merged with any zips of the same version already in dist/.
	if existing, err := readSums(filepath.Join(dist, sumsName(version))); err == nil {
		for name, sum := range existing {
			if _, ok := sums[name]; !ok {
				if _, err := os.Stat(filepath.Join(dist, name)); err == nil {
					sums[name] = sum
				}
			}
		}
	}
	if err := writeSums(filepath.Join(dist, sumsName(version)), sums); err != nil {
		return err
	}
	fmt.Printf("wrote %s and %s\n", filepath.Join(dist, sumsName(version)), filepath.Join(dist, manifestName))

	if mirror != "" {
		// Under both default hosts: "dialpad/dialpad" is registry.terraform.io/dialpad/dialpad to
		// Terraform and registry.opentofu.org/dialpad/dialpad to OpenTofu.
		for _, host := range mirrorHosts {
			dir := filepath.Join(mirror, host, namespace, typeName)
			if err := os.MkdirAll(dir, 0o755); err != nil {
				return err
			}
			for _, p := range platforms {
				goos, goarch, _ := strings.Cut(p, "_")
				zipName := fmt.Sprintf("%s_%s_%s_%s.zip", project, version, goos, goarch)
				if err := copyFile(filepath.Join(dist, zipName), filepath.Join(dir, zipName)); err != nil {
					return err
				}
			}
		}
		fmt.Printf("filesystem mirror for Terraform and OpenTofu: %s (provider_installation { filesystem_mirror { path = %q } })\n", mirror, mirror)
	}

	if verify {
		return verifyRelease(version, dist, platforms)
	}
	return nil
}

func sumsName(version string) string { return fmt.Sprintf("%s_%s_SHA256SUMS", project, version) }

func buildZip(version, goos, goarch, zipPath string) error {
	tmp, err := os.MkdirTemp("", "release-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	bin := fmt.Sprintf("%s_v%s", project, version)
	if goos == "windows" {
		bin += ".exe"
	}
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags", "-s -w -X main.version="+version, "-o", filepath.Join(tmp, bin), ".")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build: %w", err)
	}
	f, err := os.Create(zipPath)
	if err != nil {
		return err
	}
	defer f.Close()
	zw := zip.NewWriter(f)
	if err := addToZip(zw, filepath.Join(tmp, bin), bin, 0o755); err != nil {
		return err
	}
	// goreleaser's default archive files, when the repository has them.
	for _, name := range []string{"README.md", "CHANGELOG.md", "LICENSE"} {
		if _, err := os.Stat(name); err != nil {
			continue
		}
		if err := addToZip(zw, name, name, 0o644); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return f.Close()
}

func addToZip(zw *zip.Writer, src, name string, mode os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: time.Now()}
	hdr.SetMode(mode)
	w, err := zw.CreateHeader(hdr)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, in)
	return err
}

func verifyRelease(version, dist string, platforms []string) error {
	sums, err := readSums(filepath.Join(dist, sumsName(version)))
	if err != nil {
		return err
	}
	for name, want := range sums {
		got, err := sha256File(filepath.Join(dist, name))
		if err != nil {
			return err
		}
		if got != want {
			return fmt.Errorf("checksum mismatch for %s", name)
		}
	}
	for _, p := range platforms {
		goos, goarch, _ := strings.Cut(p, "_")
		zipName := fmt.Sprintf("%s_%s_%s_%s.zip", project, version, goos, goarch)
		if _, ok := sums[zipName]; !ok {
			return fmt.Errorf("%s missing from SHA256SUMS", zipName)
		}
		zr, err := zip.OpenReader(filepath.Join(dist, zipName))
		if err != nil {
			return err
		}
		bin := fmt.Sprintf("%s_v%s", project, version)
		if goos == "windows" {
			bin += ".exe"
		}
		found := false
		for _, f := range zr.File {
			if f.Name == bin && f.Mode()&0o111 != 0 {
				found = true
			}
		}
		zr.Close()
		if !found {
			return fmt.Errorf("%s does not hold an executable %s", zipName, bin)
		}
	}
	var m struct {
		Version  int `json:"version"`
		Metadata struct {
			ProtocolVersions []string `json:"protocol_versions"`
		} `json:"metadata"`
	}
	body, err := os.ReadFile(filepath.Join(dist, fmt.Sprintf("%s_%s_manifest.json", project, version)))
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, &m); err != nil {
		return fmt.Errorf("manifest: %w", err)
	}
	if m.Version != 1 || len(m.Metadata.ProtocolVersions) != 1 || m.Metadata.ProtocolVersions[0] != "6.0" {
		return fmt.Errorf("manifest must be version 1 with protocol_versions [\"6.0\"], got %s", bytes.TrimSpace(body))
	}
	fmt.Printf("verified %d artefacts in %s against %s\n", len(sums), dist, sumsName(version))
	return nil
}

func sha256Bytes(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

func sha256File(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// readSums reads a sha256sum-format file ("<hex>  <name>" per line).
func readSums(path string) (map[string]string, error) {
	body, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	sums := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(body)), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok {
			return nil, fmt.Errorf("%s: malformed line %q", path, line)
		}
		sums[name] = sum
	}
	return sums, nil
}

func writeSums(path string, sums map[string]string) error {
	names := make([]string, 0, len(sums))
	for n := range sums {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%s  %s\n", sums[n], n)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

func copyFile(src, dst string) error {
	body, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, body, 0o644)
}
