package provider

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
)

// Default durations of the timeouts block every resource has. A write waits out Okta's eventual
// consistency, lost concurrent updates and the clean-up window after a deletion (internal/okta
// retries within the context); a read is a few GETs. The phone sync's read checks five pieces,
// looking up the user type and mapping when they are not known yet.
const (
	defaultCreateTimeout = 20 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 20 * time.Minute
	defaultDeleteTimeout = 20 * time.Minute
	phoneSyncReadTimeout = 20 * time.Minute
)

// timeoutsBlock is the schema block of every resource's timeouts.
func timeoutsBlock(ctx context.Context) schema.Block {
	return timeouts.Block(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true})
}

// withTimeout bounds ctx by one operation's timeout: get is the model's Timeouts.Create, .Read,
// .Update or .Delete, def the operation's default. Each CRUD method calls it once, defers cancel,
// and returns when diags has an error.
func withTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	def time.Duration, diags *diag.Diagnostics) (context.Context, context.CancelFunc) {
	d, ds := get(ctx, def)
	diags.Append(ds...)
	if ds.HasError() {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}
