package oktaemu

import (
	"net/http"
	"slices"
	"time"
)

func (e *Emulator) ctlStats(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	writeJSON(w, http.StatusOK, e.statsLocked())
}

// Stats is the body of GET /__emulator/stats.
type Stats struct {
	Total                int            `json:"total"`
	Throttled            int            `json:"throttled"`             // 429s, both kinds
	ThrottledConcurrency int            `json:"throttled_concurrency"` // the part of Throttled over the concurrency cap
	Faults               int            `json:"faults"`
	Dropped              int            `json:"dropped"`
	Deletes              int            `json:"deletes"`
	ByRoute              map[string]int `json:"by_route"`
}

func (e *Emulator) statsLocked() Stats {
	by := map[string]int{}
	for k, v := range e.stats.byRoute {
		by[k] = v
	}
	return Stats{Total: e.stats.total, Throttled: e.stats.throttled, ThrottledConcurrency: e.stats.concurrencyThrottled, Faults: e.stats.faults,
		Dropped: e.stats.dropped, Deletes: e.stats.deletes, ByRoute: by}
}

func (e *Emulator) ctlStatsReset(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	e.stats = newStats()
	e.mu.Unlock()
	w.WriteHeader(http.StatusNoContent)
}

// ctlProfileSourcing is the console-only "Allow <app> to source Okta users" setting. Enabling it adds
// the app at the bottom of the profile-source priority list.
// ctlDeleteApp deletes an app as an admin would in the console: its app user schema and every
// mapping from or to it go with it.
func (e *Emulator) ctlDeleteApp(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	id := r.PathValue("id")
	if e.org.appsByID[id] == nil {
		e.writeErrorLocked(w, errNotFound(id, "AppInstance"))
		return
	}
	delete(e.org.appsByID, id)
	e.org.apps = slices.DeleteFunc(e.org.apps, func(a *app) bool { return a.id == id })
	e.org.sourcePriority = slices.DeleteFunc(e.org.sourcePriority, func(s string) bool { return s == id })
	e.org.mappings = slices.DeleteFunc(e.org.mappings, func(m *mapping) bool {
		if m.sourceID == id || m.targetID == id {
			delete(e.org.mappingsByID, m.id)
			return true
		}
		return false
	})
	w.WriteHeader(http.StatusNoContent)
}

func (e *Emulator) ctlProfileSourcing(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Enabled            *bool  `json:"enabled"`
		DeactivationAction string `json:"deactivation_action"`
	}
	if apiErr := decodeBody(r, &body); apiErr != nil {
		e.writeError(w, apiErr)
		return
	}
	if body.Enabled == nil {
		e.writeError(w, errValidation("profile-sourcing", "enabled is required."))
		return
	}
	switch body.DeactivationAction {
	case "", "NONE", "DEACTIVATE", "SUSPEND":
	default:
		e.writeError(w, errValidation("profile-sourcing", "deactivation_action must be NONE, DEACTIVATE or SUSPEND."))
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.pathApp(w, r)
	if a == nil {
		return
	}
	if *body.Enabled && !a.provisioning {
		e.writeErrorLocked(w, errValidation("profile-sourcing", "The app does not support provisioning, so it cannot source Okta users."))
		return
	}
	a.profileSource = *body.Enabled
	a.deactivationAction = body.DeactivationAction
	if a.deactivationAction == "" {
		a.deactivationAction = "NONE"
	}
	a.lastUpdated = time.Now()
	i := slices.Index(e.org.sourcePriority, a.id)
	switch {
	case a.profileSource && i < 0:
		e.org.sourcePriority = append(e.org.sourcePriority, a.id)
	case !a.profileSource && i >= 0:
		e.org.sourcePriority = slices.Delete(e.org.sourcePriority, i, i+1)
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"enabled": a.profileSource, "deactivation_action": a.deactivationAction,
		"priority": slices.Index(e.org.sourcePriority, a.id) + 1,
	})
}

func (e *Emulator) ctlImport(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	a := e.pathApp(w, r)
	if a == nil {
		return
	}
	refreshed, changed := e.org.importApp(a, time.Now())
	writeJSON(w, http.StatusOK, map[string]any{
		"app_users": len(a.assigned), "app_users_updated": refreshed, "users_updated": changed,
	})
}

// faultsBody is the body of PUT /__emulator/faults (and of GET): the flag names with underscores.
type faultsBody struct {
	Latency          *string      `json:"latency,omitempty"`
	FaultRate        *float64     `json:"fault_rate,omitempty"`
	RateLimit        *int         `json:"rate_limit,omitempty"`
	RateProfile      *string      `json:"rate_profile,omitempty"`
	ConsistencyDelay *string      `json:"consistency_delay,omitempty"`
	CleanupDelay     *string      `json:"cleanup_delay,omitempty"`
	LostUpdateWindow *string      `json:"lost_update_window,omitempty"`
	OmitMaster       *bool        `json:"omit_master,omitempty"`
	RefuseDontPush   *bool        `json:"refuse_dont_push_from_source,omitempty"`
	Rules            *[]faultRule `json:"rules,omitempty"`
}

func (e *Emulator) faultsLocked() faultsBody {
	str := func(d time.Duration) *string { s := d.String(); return &s }
	k := e.knobs
	rules := slices.Clone(e.rules)
	if rules == nil {
		rules = []faultRule{}
	}
	return faultsBody{
		Latency: str(k.latency), FaultRate: &k.faultRate, RateLimit: &k.rateLimit, RateProfile: &k.rateProfile,
		ConsistencyDelay: str(k.consistencyDelay), CleanupDelay: str(k.cleanupDelay),
		LostUpdateWindow: str(k.lostUpdateWindow), OmitMaster: &k.omitMaster,
		RefuseDontPush: &k.refuseDontPushFromSource, Rules: &rules,
	}
}

func (e *Emulator) ctlGetFaults(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	defer e.mu.Unlock()
	writeJSON(w, http.StatusOK, e.faultsLocked())
}

func (e *Emulator) ctlPutFaults(w http.ResponseWriter, r *http.Request) {
	var body faultsBody
	if apiErr := decodeBody(r, &body); apiErr != nil {
		e.writeError(w, apiErr)
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	k := e.knobs
	var causes []string
	dur := func(name string, s *string, dst *time.Duration) {
		if s == nil {
			return
		}
		d, err := time.ParseDuration(*s)
		if err != nil || d < 0 {
			causes = append(causes, name+" must be a non-negative Go duration such as \"250ms\".")
			return
		}
		*dst = d
	}
	dur("latency", body.Latency, &k.latency)
	dur("consistency_delay", body.ConsistencyDelay, &k.consistencyDelay)
	dur("cleanup_delay", body.CleanupDelay, &k.cleanupDelay)
	dur("lost_update_window", body.LostUpdateWindow, &k.lostUpdateWindow)
	if body.FaultRate != nil {
		if *body.FaultRate < 0 || *body.FaultRate > 1 {
			causes = append(causes, "fault_rate must be between 0 and 1.")
		}
		k.faultRate = *body.FaultRate
	}
	if body.RateLimit != nil {
		if *body.RateLimit < 0 {
			causes = append(causes, "rate_limit must not be negative.")
		}
		k.rateLimit = *body.RateLimit
	}
	if body.OmitMaster != nil {
		k.omitMaster = *body.OmitMaster
	}
	if body.RefuseDontPush != nil {
		k.refuseDontPushFromSource = *body.RefuseDontPush
	}
	if body.RateProfile != nil {
		k.rateProfile = *body.RateProfile
	}
	if err := checkRateKnobs(k.rateProfile, k.rateLimit); err != nil && k.rateLimit >= 0 && (body.RateLimit != nil || body.RateProfile != nil) {
		causes = append(causes, err.Error()+".")
	}
	if body.Rules != nil {
		for _, rule := range *body.Rules {
			if err := validateRule(rule, e.api); err != nil {
				causes = append(causes, err.Error())
			}
		}
	}
	if len(causes) > 0 {
		e.writeErrorLocked(w, errValidation("faults", causes...))
		return
	}
	e.knobs = k
	if body.Rules != nil {
		e.rules = slices.Clone(*body.Rules)
	}
	writeJSON(w, http.StatusOK, e.faultsLocked())
}
