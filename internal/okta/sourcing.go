package okta

import (
	"context"
	"fmt"
	"strings"
)

// Profile sourcing ("Allow <app> to source Okta users") can only be switched on in the Admin
// Console; the API shows it as the app feature PROFILE_MASTERING. Okta refuses an attribute
// source override naming an app that is not a profile source, and a PUSH mapping from it, so the
// resources check it at plan time and tell the admin exactly what to click.

// Notice is a warning for the user, as a diagnostic summary and detail.
type Notice struct {
	Summary string
	Detail  string
}

// ProfileSourcingError says the listed apps are not profile sources.
type ProfileSourcingError struct {
	Apps []App
}

func (e *ProfileSourcingError) Error() string { return e.Summary() + ": " + e.Detail() }

// Summary is a one-line diagnostic summary.
func (e *ProfileSourcingError) Summary() string {
	if len(e.Apps) == 1 {
		return fmt.Sprintf("Okta app %q is not a profile source", e.Apps[0].Label)
	}
	return fmt.Sprintf("%d Okta apps are not profile sources", len(e.Apps))
}

// Detail gives the Admin Console steps for each app; Okta has no public API for this setting.
func (e *ProfileSourcingError) Detail() string {
	var b strings.Builder
	b.WriteString("Okta only lets an app source Okta user attributes (source priority override, or a mapping with push status PUSH) " +
		"when the app is a profile source, and that setting exists only in the Admin Console (no public API can turn it on). " +
		"An Okta admin must do this once per app, then run terraform again:\n")
	for _, a := range e.Apps {
		label := a.Label
		if label == "" {
			label = a.ID
		}
		fmt.Fprintf(&b, "\n  Applications -> %s -> Provisioning -> To Okta -> Profile & Lifecycle Sourcing -> "+
			"check \"Allow %s to source Okta users\", set the deactivation action to \"Do Nothing\", and Save. (app id %s)\n", label, label, a.ID)
	}
	return b.String()
}

// CheckProfileSourcing checks that every app in appIDs is a profile source. It returns a
// *ProfileSourcingError naming those that are not (with the console steps), a *NotFoundError for
// an unknown app id, or other API errors; warnings carry the notice that the apps would be the
// org's only profile sources. The entry "OKTA" (an Okta entry of a priority list) is skipped.
//
// One listing of the org's apps answers both questions (each app's features, and which apps are
// profile sources); an app the listing does not hold is read by id.
func (c *Client) CheckProfileSourcing(ctx context.Context, appIDs []string) (warnings []Notice, err error) {
	var ids []string
	seen := map[string]bool{}
	for _, id := range appIDs {
		if id != MasterOkta && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	all, err := c.ListApps(ctx)
	if err != nil {
		return nil, err
	}
	listed := make(map[string]App, len(all))
	var sources []App
	for _, a := range all {
		listed[a.ID] = a
		if a.ProfileSourcingEnabled && a.Status == "ACTIVE" {
			sources = append(sources, a)
		}
	}
	var apps, notSources []App
	for _, id := range ids {
		a, ok := listed[id]
		if !ok {
			if a, err = c.FindApp(ctx, id); err != nil {
				return nil, err
			}
		}
		apps = append(apps, a)
		if !a.ProfileSourcingEnabled {
			notSources = append(notSources, a)
		}
	}
	if len(notSources) > 0 {
		return nil, &ProfileSourcingError{Apps: notSources}
	}
	for _, s := range sources {
		if !seen[s.ID] {
			return nil, nil // another app sources profiles too
		}
	}
	labels := make([]string, len(apps))
	for i, a := range apps {
		labels[i] = fmt.Sprintf("%q", a.Label)
	}
	return []Notice{{
		Summary: fmt.Sprintf("%s would be the only profile source of this Okta org", strings.Join(labels, ", ")),
		Detail: "Dialpad must not be the sole profile source: a profile source that is the only one masters every profile " +
			"attribute of the users assigned to it, and deactivating it would act on their Okta accounts. Keep your " +
			"directory or HR system as a profile source, put this app at the bottom of the Profile Sources priority " +
			"(Directory -> Profile Sources), and keep its deactivation action at \"Do Nothing\". Okta's public API reads " +
			"neither the Profile Sources priority nor the deactivation action, so this provider cannot check them for you.",
	}}, nil
}
