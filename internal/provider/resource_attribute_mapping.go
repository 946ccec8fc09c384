package provider

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/resourcevalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/mapplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/validate"
)

var (
	_ resource.ResourceWithConfigure        = (*attributeMappingResource)(nil)
	_ resource.ResourceWithConfigValidators = (*attributeMappingResource)(nil)
	_ resource.ResourceWithImportState      = (*attributeMappingResource)(nil)
	_ resource.ResourceWithModifyPlan       = (*attributeMappingResource)(nil)
)

// NewAttributeMappingResource is the constructor of resource "dialpad_okta_attribute_mapping".
func NewAttributeMappingResource() resource.Resource { return &attributeMappingResource{} }

type attributeMappingResource struct {
	client *okta.Client
}

type attributeMappingModel struct {
	ID                   types.String   `tfsdk:"id"`
	SourceID             types.String   `tfsdk:"source_id"`
	TargetID             types.String   `tfsdk:"target_id"`
	TargetUserType       types.String   `tfsdk:"target_user_type"`
	MappingID            types.String   `tfsdk:"mapping_id"`
	OtherProperties      types.Map      `tfsdk:"other_properties"`
	Properties           types.Map      `tfsdk:"properties"`
	ApplyToExistingUsers types.Bool     `tfsdk:"apply_to_existing_users"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

type mappingPropertyModel struct {
	Expression types.String `tfsdk:"expression"`
	PushStatus types.String `tfsdk:"push_status"`
}

var mappingPropertyAttrTypes = map[string]attr.Type{
	"expression":  types.StringType,
	"push_status": types.StringType,
}

const attributeMappingDescription = "Owns some target properties of the one Okta profile mapping between `source_id` " +
	"(an app id or a user type id) and `target_id`: each property's `expression` and `push_status`.\n\n" +
	"Okta creates a mapping for every app and user type itself; this resource never creates or deletes a mapping, " +
	"only the properties listed in `properties`. Properties it does not list are never touched, not on update and " +
	"not on destroy, so the mappings Okta and other tools maintain (e.g. `login`, `email`) survive. Several " +
	"resources may own different properties of one mapping; writes to one mapping are serialized inside the " +
	"provider and verified by reading them back.\n\n" +
	"Creating a property that is already mapped differently fails with the import command instead of adopting it " +
	"silently; one mapped exactly as configured (what an interrupted apply leaves behind) is taken over. " +
	"A change made outside Terraform to an owned property shows up in the next plan; a property removed outside " +
	"Terraform is planned to be added back.\n\n" +
	"**Profile sourcing.** A property with `push_status = \"PUSH\"` on a mapping whose source is an app is only " +
	"accepted by Okta when the app is a profile source (\"Allow _app_ to source Okta users\", an Admin Console " +
	"setting with no public API). The plan fails with the console steps when it is not.\n\n" +
	"**Ordering with attributes.** Okta refuses to delete an attribute that a mapping still uses. When the " +
	"attribute and the mapping are in the same configuration, reference the attribute from the mapping (use " +
	"`(dialpad_okta_user_attribute.x.name)` as the `properties` key) or add " +
	"`depends_on = [dialpad_okta_user_attribute.x]` to the mapping: Terraform then creates the attribute before " +
	"the mapping and destroys the mapping property before the attribute. To be able to rename the attribute (or move it to " +
	"another user type or app) in one apply, also give the attributes `lifecycle { create_before_destroy = true }`: the new " +
	"attribute is created, this resource moves the property to it, and the old attribute is deleted last."

const targetUserTypeDescription = "The mapping's target as a user type, the simple way to map an app's attribute into " +
	"Okta user profiles: its name (e.g. `contractor`) or its id (`oty...`). The org's default user type is named `user` " +
	"in Okta; `default`, `user` and the default type's id all name it. An alternative to `target_id` (exactly one of " +
	"the two is set); `source_id` must then be an app. The plan resolves it, from the listing of the app's mappings the " +
	"plan reads anyway, to `target_id` and `mapping_id`. Changing between spellings of the same type, or moving from " +
	"`target_id` to the same type's `target_user_type`, replaces nothing and writes nothing to Okta; another type " +
	"replaces the resource. A user type that does not exist fails the plan with the list of the org's user types. " +
	"An import ID that names the target by user type (`<app_id>/default/<property>`) imports it as `target_user_type`; " +
	"one that names it by id leaves it null, and setting it then plans an in-place change of this argument only."

func (r *attributeMappingResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_okta_attribute_mapping"
}

func (r *attributeMappingResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: attributeMappingDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<source_id>/<target_id>`.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"source_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Id of the mapping's source: an app id (`0oa...`, app -> Okta mapping, expressions read " +
					"`appuser.<name>`) or a user type id (`oty...`, Okta -> app mapping, expressions read `user.<name>`). " +
					"Changing it replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.NoneOf(okta.DefaultUserType)},
			},
			"target_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Id of the mapping's target: a user type id (e.g. `data.dialpad_okta_user_type.default.id`) or an app id. " +
					"Exactly one of `target_id` and `target_user_type` is set; with `target_user_type` this is the user type's id, " +
					"known at plan time. Changing it to another target replaces the resource.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplaceIfConfigured()},
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1), stringvalidator.NoneOf(okta.DefaultUserType)},
			},
			"target_user_type": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: targetUserTypeDescription,
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"mapping_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Okta's id of the mapping (`prm...`).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			// A map of objects, not a computed-only nested attribute: Terraform 1.5's -generate-config-out
			// crashes on those (hashicorp/terraform#34463), and a plain attribute is simply left out.
			"other_properties": schema.MapAttribute{
				Computed:    true,
				ElementType: types.ObjectType{AttrTypes: mappingPropertyAttrTypes},
				MarkdownDescription: "Read-only view of the mapping's properties this resource does not own (Okta's defaults, " +
					"other resources', changes made in the Admin Console), keyed by property name, each with its `expression` and " +
					"`push_status`, as of the last refresh. Never written, never a cause of a diff: a plan that changes this " +
					"resource keeps the refreshed value, and the next refresh picks up what the apply (or anyone else) changed. " +
					"A replacement (new `source_id` or `target_id`) is another mapping, whose view is read after the apply, so " +
					"the plan shows this one as known after apply; the properties themselves are never touched.",
				PlanModifiers: []planmodifier.Map{mapplanmodifier.UseStateForUnknown()},
			},
			"properties": schema.MapNestedAttribute{
				Required: true,
				MarkdownDescription: "The target properties this resource owns, keyed by the target attribute's variable " +
					"name. Removing a key removes that property from the mapping; other properties of the mapping are never touched.",
				Validators: []validator.Map{
					mapvalidator.SizeAtLeast(1),
					mapvalidator.KeysAre(variableNameValidator()),
				},
				NestedObject: schema.NestedAttributeObject{
					Attributes: map[string]schema.Attribute{
						"expression": schema.StringAttribute{
							Required: true,
							MarkdownDescription: "Okta Expression Language expression computing the target property, " +
								"e.g. `appuser.dialpadPhone` or `user.firstName + \" \" + user.lastName`.",
							Validators: []validator.String{ruleValidator{what: "an Okta Expression Language expression", rule: validate.Expression}},
						},
						"push_status": schema.StringAttribute{
							Optional: true,
							Computed: true,
							Default:  stringdefault.StaticString(okta.PushStatusPush),
							MarkdownDescription: "`PUSH` (default): apply the mapping when a user is created and updated. " +
								"`DONT_PUSH`: only when a user is created. `PUSH` from an app source needs the app to be a profile source.",
							Validators: []validator.String{stringvalidator.OneOf(okta.PushStatusPush, okta.PushStatusDontPush)},
						},
					},
				},
			},
			"apply_to_existing_users": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "After creating or changing properties, apply the mapping to every existing user " +
					"(\"Apply updates now\" in the Admin Console). Okta allows this only with an API token " +
					"(`okta_api_token`); with OAuth credentials setting it to `true` is a plan-time error. " +
					"After an import the state holds `false`: Okta does not record whether a mapping was ever applied to " +
					"existing users, so Terraform cannot know. With `true` in the configuration the plan after the import shows " +
					"this one in-place change (`false -> true`), and its apply runs \"Apply updates now\" once. To adopt without " +
					"that, import with `false` (the default, and what `-generate-config-out` writes) and set `true` later.",
			},
		},
		Blocks: map[string]schema.Block{
			"timeouts": timeoutsBlock(ctx),
		},
	}
}

func (r *attributeMappingResource) ConfigValidators(context.Context) []resource.ConfigValidator {
	return []resource.ConfigValidator{
		resourcevalidator.ExactlyOneOf(path.MatchRoot("target_id"), path.MatchRoot("target_user_type")),
	}
}

func (r *attributeMappingResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

// ModifyPlan runs the checks Okta would otherwise fail mid-apply: reapply with OAuth credentials,
// and PUSH from an app that is not a profile source. It never blocks a destroy plan.
func (r *attributeMappingResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	var plan attributeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if plan.ApplyToExistingUsers.ValueBool() && r.client.AuthMode() != okta.AuthModeAPIToken {
		resp.Diagnostics.AddAttributeError(path.Root("apply_to_existing_users"), "apply_to_existing_users needs an API token",
			"apply_to_existing_users = true asks Okta to apply the mapping to every existing user, which Okta refuses for "+
				"OAuth (service app) credentials. Configure the provider with okta_api_token, or set apply_to_existing_users = "+
				"false and apply the mapping in the Admin Console (Profile Editor -> Mappings -> Apply updates now).")
	}
	switch {
	case !plan.TargetUserType.IsNull():
		r.planTargetUserType(ctx, req, &plan, resp)
		if resp.Diagnostics.HasError() {
			return
		}
	case req.State.Raw.IsNull():
		r.planNewMapping(ctx, &plan, resp)
	}
	if !req.State.Raw.IsNull() && resp.Plan.Raw.Equal(req.State.Raw) {
		return // nothing will be written
	}
	if plan.SourceID.IsUnknown() || plan.Properties.IsUnknown() {
		return
	}
	sourceID := plan.SourceID.ValueString()
	app, err := r.client.FindApp(ctx, sourceID)
	if okta.IsNotFound(err) {
		return // a user type source: every push status is allowed, expressions read user.*
	} else if err != nil {
		resp.Diagnostics.AddError("Cannot check the mapping's source app", fmt.Sprintf("Reading app %q: %s", sourceID, err))
		return
	}
	// Reported together with the profile-sourcing checks below, not instead of them.
	var exprDiags diag.Diagnostics
	r.checkExpressions(ctx, sourceID, plan.Properties, &exprDiags)
	defer func() { resp.Diagnostics.Append(exprDiags...) }()
	props, known := mappingPropertiesFrom(ctx, plan.Properties, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || !known {
		return
	}
	var pushed, notPushed []string
	for name, p := range props {
		if p.PushStatus == okta.PushStatusPush {
			pushed = append(pushed, name)
		} else {
			notPushed = append(notPushed, name)
		}
	}
	if len(pushed) == 0 && len(notPushed) == 0 {
		return
	}
	if len(notPushed) > 0 && app.ProfileSourcingEnabled {
		sort.Strings(notPushed)
		resp.Diagnostics.AddAttributeWarning(path.Root("properties"), "Okta may refuse DONT_PUSH from a profile source",
			fmt.Sprintf("Properties %s have push_status = \"DONT_PUSH\" and app %q is a profile source. Some Okta orgs refuse "+
				"that (\"Profile mastering enabled apps support push status only\", terraform-provider-okta #807). If the apply "+
				"fails so, set push_status = \"PUSH\" on them.", strings.Join(notPushed, ", "), sourceID))
	}
	if len(pushed) == 0 {
		return
	}
	warnings, err := r.client.CheckProfileSourcing(ctx, []string{sourceID})
	var pse *okta.ProfileSourcingError
	switch {
	case errors.As(err, &pse):
		sort.Strings(pushed)
		resp.Diagnostics.AddAttributeError(path.Root("properties"), pse.Summary(),
			fmt.Sprintf("Properties %s have push_status = \"PUSH\", which Okta accepts only from an app that is a profile source.\n\n%s\n\n"+
				"Alternatively set push_status = \"DONT_PUSH\" on them.", strings.Join(pushed, ", "), pse.Detail()))
	case err != nil:
		resp.Diagnostics.AddError("Cannot check profile sourcing", fmt.Sprintf("Checking app %q: %s", sourceID, err))
	}
	for _, w := range warnings {
		resp.Diagnostics.AddWarning(w.Summary, w.Detail)
	}
}

// planNewMapping fills in, for a create or a replacement, what is known before anything is written:
// the id, and the id of the mapping Okta already keeps for the pair (read through the cache; left
// unknown when it cannot be read, and then the create reports why). other_properties stays unknown:
// other resources may change the mapping earlier in the same apply.
func (r *attributeMappingResource) planNewMapping(ctx context.Context, plan *attributeMappingModel, resp *resource.ModifyPlanResponse) {
	if plan.SourceID.IsUnknown() || plan.TargetID.IsUnknown() {
		return
	}
	source, target := plan.SourceID.ValueString(), plan.TargetID.ValueString()
	plan.ID = types.StringValue(source + "/" + target)
	if id, err := r.client.FindMappingID(ctx, source, target); err == nil {
		plan.MappingID = types.StringValue(id)
	} else {
		tflog.Debug(ctx, "Mapping id not known at plan time", map[string]any{"source_id": source, "target_id": target, "error": err.Error()})
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// planTargetUserType resolves target_user_type to target_id and mapping_id, from the one listing of
// the app's mappings (FindAppUserTypeMapping, through the read cache), and decides what a change
// of it means, with planUserType's rules:
//
//   - The state holds the same target_user_type and source, or another spelling that needs no
//     lookup (both spell the default type, or the configuration gives the state's target_id):
//     the ids stay, no call is made.
//   - It names the type the state's target_id is (another spelling, or the state of a
//     configuration that gave target_id): nothing is replaced and nothing written. Another
//     spelling keeps the state's, so the plan is empty; a state without target_user_type (the
//     upgrade from target_id) plans only this argument's change.
//   - It names another type: the resource is replaced.
//   - It names no type: an error on target_user_type that lists the org's user types.
//
// When the source or the type is unknown at plan, target_id and mapping_id stay unknown (Create
// resolves them), and an existing resource is replaced, as RequiresReplace would.
func (r *attributeMappingResource) planTargetUserType(ctx context.Context, req resource.ModifyPlanRequest, plan *attributeMappingModel, resp *resource.ModifyPlanResponse) {
	var state *attributeMappingModel
	if !req.State.Raw.IsNull() {
		state = &attributeMappingModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
		if resp.Diagnostics.HasError() {
			return
		}
	}
	p := path.Root("target_user_type")
	if plan.SourceID.IsUnknown() || plan.TargetUserType.IsUnknown() {
		plan.ID, plan.TargetID, plan.MappingID = types.StringUnknown(), types.StringUnknown(), types.StringUnknown()
		if state != nil {
			resp.RequiresReplace.Append(p)
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
		return
	}
	source, userType := plan.SourceID.ValueString(), plan.TargetUserType.ValueString()
	if state != nil && state.SourceID.ValueString() == source && !state.TargetID.IsNull() {
		// The same type without a call: the same spelling, both spellings of the default type, or
		// the state's id, so that a plan after a spelling change stays free.
		prior := state.TargetUserType
		if (!prior.IsNull() && (prior.ValueString() == userType || (okta.IsDefaultUserType(prior.ValueString()) && okta.IsDefaultUserType(userType)))) ||
			userType == state.TargetID.ValueString() {
			plan.ID, plan.TargetID, plan.MappingID = state.ID, state.TargetID, state.MappingID
			if !prior.IsNull() {
				plan.TargetUserType = prior
			}
			resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
			return
		}
	}
	typeID, mappingID, ok := r.resolveTargetUserType(ctx, source, userType, &resp.Diagnostics)
	if !ok {
		return
	}
	plan.TargetID = types.StringValue(typeID)
	plan.ID = types.StringValue(source + "/" + typeID)
	plan.MappingID = types.StringUnknown()
	if mappingID != "" {
		plan.MappingID = types.StringValue(mappingID)
	}
	if state != nil && state.SourceID.ValueString() == source {
		if state.TargetID.ValueString() == typeID {
			plan.MappingID = state.MappingID
			if !state.TargetUserType.IsNull() {
				// Another spelling of the same type: keep the state's, so nothing changes.
				plan.TargetUserType = state.TargetUserType
			}
		} else {
			resp.RequiresReplace.Append(p)
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, plan)...)
}

// resolveTargetUserType returns the id of the user type userType and of the mapping from app
// source to it (empty when Okta has none yet; the create then reports it). ok is false, with an
// error in diags, when the source is no app or the type does not exist.
func (r *attributeMappingResource) resolveTargetUserType(ctx context.Context, source, userType string, diags *diag.Diagnostics) (typeID, mappingID string, ok bool) {
	// Through the read cache: the sourcing check of ModifyPlan reads the same app.
	if _, err := r.client.FindApp(ctx, source); okta.IsNotFound(err) {
		diags.AddAttributeError(path.Root("target_user_type"), "target_user_type needs an app source",
			fmt.Sprintf("target_user_type names the mapping's target as a user type, so source_id must be an app id (0oa...), "+
				"but %q is no app of this Okta org. For an Okta -> app mapping (source_id a user type id) give target_id (the app's id) instead.", source))
		return "", "", false
	} else if err != nil {
		diags.AddError("Cannot check the mapping's source app", fmt.Sprintf("Reading app %q: %s", source, err))
		return "", "", false
	}
	typeID, mappingID, err := r.client.FindAppUserTypeMapping(ctx, source, userType)
	switch {
	case typeID == "" && okta.IsNotFound(err):
		diags.AddAttributeError(path.Root("target_user_type"), "Okta user type not found",
			fmt.Sprintf("target_user_type = %q names no user type of this Okta org, so there is no mapping to it.", userType)+userTypesHint(ctx, r.client))
		return "", "", false
	case typeID == "":
		diags.AddAttributeError(path.Root("target_user_type"), "Cannot look up the Okta user type",
			fmt.Sprintf("Looking up user type %q and the mapping from app %q to it: %s", userType, source, err))
		return "", "", false
	case err != nil:
		tflog.Debug(ctx, "Mapping id not known at plan time", map[string]any{"source_id": source, "target_id": typeID, "error": err.Error()})
		return typeID, "", true
	}
	return typeID, mappingID, true
}

// checkExpressions refuses at plan time an expression that reads an attribute the source app's user
// profile does not have (appuser.x or source.x), which Okta would refuse mid-apply. An attribute a
// dialpad_okta_app_user_attribute of this plan creates counts as present: Terraform plans that
// resource first when the mapping references it or depends on it. Unknown expressions are skipped.
func (r *attributeMappingResource) checkExpressions(ctx context.Context, appID string, properties types.Map, diags *diag.Diagnostics) {
	var models map[string]mappingPropertyModel
	diags.Append(properties.ElementsAs(ctx, &models, false)...)
	if diags.HasError() {
		return
	}
	for _, name := range mappingSortedKeys(models) {
		expr := models[name].Expression
		if expr.IsUnknown() || expr.IsNull() {
			continue
		}
		var refs []string
		for _, ref := range validate.ExpressionRefs(expr.ValueString(), "appuser", "source") {
			if !r.client.AppUserAttributePlanned(appID, ref) {
				refs = append(refs, ref)
			}
		}
		if len(refs) == 0 {
			continue
		}
		missing, err := r.client.MissingAppUserProperties(ctx, appID, refs)
		if err != nil {
			diags.AddError("Cannot check the mapping's expressions", fmt.Sprintf("Reading the user profile schema of app %q: %s", appID, err))
			return
		}
		if len(missing) == 0 {
			continue
		}
		diags.AddAttributeError(path.Root("properties").AtMapKey(name).AtName("expression"),
			"Mapping expression reads an attribute the app does not have",
			fmt.Sprintf("properties[%q].expression = %q reads %s, but the user profile of app %q has no attribute %s, so Okta "+
				"would refuse the mapping. Correct the name, or add the attribute: when a dialpad_okta_app_user_attribute in this "+
				"configuration creates it, reference it in the expression (\"appuser.${dialpad_okta_app_user_attribute.<name>.name}\") "+
				"or add it to this resource's depends_on, so that Terraform plans and creates it first.",
				name, expr.ValueString(), strings.Join(missing, ", "), appID, strings.Join(missing, ", ")))
	}
}

func (r *attributeMappingResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan attributeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	props, _ := mappingPropertiesFrom(ctx, plan.Properties, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	source := plan.SourceID.ValueString()
	if plan.TargetID.IsUnknown() {
		// target_user_type, unknown at plan (e.g. a source_id known only after apply).
		typeID, _, ok := r.resolveTargetUserType(ctx, source, plan.TargetUserType.ValueString(), &resp.Diagnostics)
		if !ok {
			return
		}
		plan.TargetID = types.StringValue(typeID)
	}
	target := plan.TargetID.ValueString()
	var m *okta.Mapping
	var err error
	if !plan.MappingID.IsUnknown() && plan.MappingID.ValueString() != "" {
		// Known at plan: the planned id saves the lookup (and falls back to it when Okta disagrees).
		m, err = r.client.CreateMappingPropertiesByID(ctx, plan.MappingID.ValueString(), source, target, props)
	} else {
		m, err = r.client.CreateMappingProperties(ctx, source, target, props)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot create Okta mapping properties", mappingErrorDetail(source, target, err))
		return
	}
	plan.ID = types.StringValue(source + "/" + target)
	plan.MappingID = types.StringValue(m.ID)
	if plan.OtherProperties.IsUnknown() {
		plan.OtherProperties = otherMappingProperties(m, props, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if plan.ApplyToExistingUsers.ValueBool() {
		r.reapply(ctx, source, target, &resp.Diagnostics)
	}
}

func (r *attributeMappingResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state attributeMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	owned, _ := mappingPropertiesFrom(ctx, state.Properties, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	source, target := state.SourceID.ValueString(), state.TargetID.ValueString()
	// By the remembered id: one GET instead of a list and a GET (falls back to the lookup).
	m, err := r.client.FindMappingByID(ctx, state.MappingID.ValueString(), source, target)
	if okta.IsNotFound(err) {
		removeGone(ctx, resp, "Okta mapping is gone", fmt.Sprintf("The mapping %s -> %s does not exist", source, target))
		return
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot read Okta mapping", mappingErrorDetail(source, target, err))
		return
	}
	present := map[string]okta.MappingProperty{}
	for name := range owned {
		if p, ok := m.Properties[name]; ok {
			present[name] = p
		} else {
			tflog.Warn(ctx, "Owned mapping property was removed outside Terraform", map[string]any{"mapping_id": m.ID, "property": name})
		}
	}
	if len(present) == 0 {
		removeGone(ctx, resp, "Okta mapping properties are gone", fmt.Sprintf("None of the properties %s of the mapping %s (%s -> %s) exist",
			strings.Join(mappingSortedKeys(owned), ", "), m.ID, source, target))
		return
	}
	state.Properties = mappingPropertiesValue(present, &resp.Diagnostics)
	state.ID = types.StringValue(source + "/" + target)
	state.MappingID = types.StringValue(m.ID)
	state.OtherProperties = otherMappingProperties(m, owned, &resp.Diagnostics)
	if state.ApplyToExistingUsers.IsNull() {
		state.ApplyToExistingUsers = types.BoolValue(false)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *attributeMappingResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state attributeMappingModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	want, _ := mappingPropertiesFrom(ctx, plan.Properties, &resp.Diagnostics)
	had, _ := mappingPropertiesFrom(ctx, state.Properties, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	changed := map[string]okta.MappingProperty{}
	for name, p := range want {
		if old, ok := had[name]; !ok || old != p {
			changed[name] = p
		}
	}
	var removed []string
	for name := range had {
		if _, ok := want[name]; !ok {
			removed = append(removed, name)
		}
	}
	sort.Strings(removed)

	source, target := plan.SourceID.ValueString(), plan.TargetID.ValueString()
	var m *okta.Mapping
	var err error
	if len(changed) > 0 || len(removed) > 0 {
		m, err = r.client.UpdateMappingPropertiesByID(ctx, state.MappingID.ValueString(), source, target, changed, removed)
	} else {
		// Only local arguments changed; read for the computed attributes.
		m, err = r.client.FindMappingByID(ctx, state.MappingID.ValueString(), source, target)
	}
	if err != nil {
		resp.Diagnostics.AddError("Cannot update Okta mapping properties", mappingErrorDetail(source, target, err))
		return
	}
	plan.ID = types.StringValue(source + "/" + target)
	plan.MappingID = types.StringValue(m.ID)
	// Planned as the refreshed value (the write touched only owned properties); Read refreshes it.
	if plan.OtherProperties.IsUnknown() {
		plan.OtherProperties = otherMappingProperties(m, want, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	turnedOn := plan.ApplyToExistingUsers.ValueBool() && !state.ApplyToExistingUsers.ValueBool()
	if plan.ApplyToExistingUsers.ValueBool() && (len(changed) > 0 || turnedOn) {
		r.reapply(ctx, source, target, &resp.Diagnostics)
	}
}

func (r *attributeMappingResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state attributeMappingModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	owned, _ := mappingPropertiesFrom(ctx, state.Properties, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	source, target := state.SourceID.ValueString(), state.TargetID.ValueString()
	if err := r.client.DeleteMappingPropertiesByID(ctx, state.MappingID.ValueString(), source, target, mappingSortedKeys(owned)); err != nil {
		resp.Diagnostics.AddError("Cannot remove Okta mapping properties", mappingErrorDetail(source, target, err))
	}
}

// ImportState takes "<source_id>/<target>/<prop>[,<prop>...]", the target an id or, for an app
// source, a user type's name: only the named properties become owned, and each must exist.
func (r *attributeMappingResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	source, target, names, err := okta.ParseMappingImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import ID", err.Error()+". Example: 0oa1dialpad/oty1default/dialpadPhone,dialpadExtension")
		return
	}
	if r.client == nil {
		resp.Diagnostics.AddError("Cannot import Okta mapping properties", errNotConfigured)
		return
	}
	// The target may be given as a user type's name ("default", "user", "contractor"): it is then
	// imported as target_user_type, so a configuration that names the type plans no change.
	targetUserType := types.StringNull()
	if id, _, err := r.client.FindAppUserTypeMapping(ctx, source, target); err == nil && id != target {
		targetUserType, target = types.StringValue(target), id
	}
	m, err := r.client.FindMapping(ctx, source, target)
	if err != nil {
		resp.Diagnostics.AddError("Cannot import Okta mapping properties", mappingErrorDetail(source, target, err))
		return
	}
	props := map[string]okta.MappingProperty{}
	var missing []string
	for _, n := range names {
		p, ok := m.Properties[n]
		if !ok {
			missing = append(missing, n)
		}
		props[n] = p
	}
	if len(missing) > 0 {
		resp.Diagnostics.AddError("Cannot import Okta mapping properties",
			fmt.Sprintf("The mapping %s (%s -> %s) has no property %s. It maps: %s.", m.ID, source, target,
				strings.Join(missing, ", "), strings.Join(mappingSortedKeys(m.Properties), ", ")))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), source+"/"+target)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("source_id"), source)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("target_id"), target)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("target_user_type"), targetUserType)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("mapping_id"), m.ID)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("apply_to_existing_users"), false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("properties"), mappingPropertiesValue(props, &resp.Diagnostics))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("other_properties"), otherMappingProperties(m, props, &resp.Diagnostics))...)
}

func (r *attributeMappingResource) reapply(ctx context.Context, source, target string, diags *diag.Diagnostics) {
	if err := r.client.ReapplyMapping(ctx, source, target); err != nil {
		diags.AddError("Cannot apply the mapping to existing users",
			fmt.Sprintf("The properties were written, but applying the mapping %s -> %s to existing users failed: %s\n\n"+
				"The properties are written and recorded in the state. Apply them to existing users with Profile Editor -> "+
				"Mappings -> Apply updates now in the Admin Console, or run apply again after fixing the cause (a failed create is retried as a replacement).", source, target, err))
	}
}

// mappingPropertiesFrom converts the properties map; known is false when it or a value is unknown.
func mappingPropertiesFrom(ctx context.Context, v types.Map, diags *diag.Diagnostics) (props map[string]okta.MappingProperty, known bool) {
	props = map[string]okta.MappingProperty{}
	if v.IsNull() || v.IsUnknown() {
		return props, !v.IsUnknown()
	}
	var models map[string]mappingPropertyModel
	diags.Append(v.ElementsAs(ctx, &models, false)...)
	known = true
	for name, m := range models {
		if m.Expression.IsUnknown() || m.PushStatus.IsUnknown() {
			known = false
		}
		props[name] = okta.MappingProperty{Expression: m.Expression.ValueString(), PushStatus: m.PushStatus.ValueString()}
	}
	return props, known
}

func mappingPropertiesValue(props map[string]okta.MappingProperty, diags *diag.Diagnostics) types.Map {
	elems := map[string]attr.Value{}
	for name, p := range props {
		push := types.StringNull()
		if p.PushStatus != "" {
			push = types.StringValue(p.PushStatus)
		}
		obj, d := types.ObjectValue(mappingPropertyAttrTypes, map[string]attr.Value{
			"expression":  types.StringValue(p.Expression),
			"push_status": push,
		})
		diags.Append(d...)
		elems[name] = obj
	}
	v, d := types.MapValue(types.ObjectType{AttrTypes: mappingPropertyAttrTypes}, elems)
	diags.Append(d...)
	return v
}

// otherMappingProperties is the read-only view of m's properties not in owned.
func otherMappingProperties(m *okta.Mapping, owned map[string]okta.MappingProperty, diags *diag.Diagnostics) types.Map {
	other := map[string]okta.MappingProperty{}
	for name, p := range m.Properties {
		if _, ok := owned[name]; !ok {
			other[name] = p
		}
	}
	return mappingPropertiesValue(other, diags)
}

func mappingErrorDetail(source, target string, err error) string {
	var exists *okta.MappingPropertyExistsError
	switch {
	case errors.As(err, &exists):
		return err.Error()
	case okta.IsNotFound(err):
		return fmt.Sprintf("Okta has no mapping from %q to %q. Okta creates mappings itself when an app is set up for "+
			"provisioning or a user type is added; check source_id (an app or user type id) and target_id.", source, target)
	}
	if strings.Contains(err.Error(), "support push status only") {
		return fmt.Sprintf("Mapping %s -> %s: %s\n\nThis Okta org refuses push_status = \"DONT_PUSH\" from an app that is a "+
			"profile source: set push_status = \"PUSH\" on these properties.", source, target, err)
	}
	return fmt.Sprintf("Mapping %s -> %s: %s", source, target, err)
}

func mappingSortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
