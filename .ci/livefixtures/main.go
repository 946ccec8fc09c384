// Command livefixtures prints, as shell exports, the live-mode fixture variables of internal/acctest
// for an emulator running the demo seed without its control API (`oktaemu -no-control`): there the
// Dialpad app is not a profile source (only an admin's console click makes it one), so the app that
// already is one is the seed's HR-style app.
package main

import (
	"fmt"

	"github.com/dialpad/terraform-provider-dialpad/internal/acctest"
	"github.com/dialpad/terraform-provider-dialpad/internal/oktaemu"
)

func main() {
	fmt.Printf("export %s=%s\n", acctest.EnvAppID, oktaemu.DemoHRAppID)
	fmt.Printf("export %s=%s\n", acctest.EnvNonSourceAppID, oktaemu.DemoMeetingsAppID)
}
