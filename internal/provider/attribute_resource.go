package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
)

// One implementation serves both attribute resources; they differ only by the profile schema
// that owns the attribute, which attributeOwner describes: a user type's
// (dialpad_okta_user_attribute, resource_user_attribute.go) or an app's
// (dialpad_okta_app_user_attribute, resource_app_user_attribute.go).

var (
	_ resource.ResourceWithConfigure      = (*attributeResource)(nil)
	_ resource.ResourceWithImportState    = (*attributeResource)(nil)
	_ resource.ResourceWithValidateConfig = (*attributeResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*attributeResource)(nil)
)

type attributeResource struct {
	client *okta.Client
	owner  attributeOwner
}

// attributeOwner is what one attribute resource has of its own.
type attributeOwner struct {
	typeName    string // e.g. "dialpad_okta_user_attribute"
	noun        string // in diagnostics: "Cannot create Okta <noun>"
	description string // the resource's MarkdownDescription
	ownerAttr   string // the argument naming the owner: "user_type" or "app_id"
	userProfile bool   // the Okta user profile, whose base properties are no free names
	// attributes are the owner's own arguments, and the shared ones it describes differently.
	attributes    map[string]schema.Attribute
	newModel      func() attributeModel
	importExample string                                        // an import ID, e.g. "default/dialpadPhone"
	splitImportID func(id string) (owner, name string, ok bool) // "<owner>/<name>"
	// modifyPlan runs the owner's plan-time work (never on destroy, never unconfigured).
	modifyPlan func(context.Context, *okta.Client, resource.ModifyPlanRequest, *resource.ModifyPlanResponse)

	// The internal/okta functions of the owner's schema. master is the source priority to write
	// with the attribute (nil: keep Okta's); only a user attribute has one (attributeModel.source).
	create func(c *okta.Client, ctx context.Context, owner string, a okta.Attribute, master *okta.AttributeSource) (*okta.Attribute, error)
	find   func(c *okta.Client, ctx context.Context, owner, name string) (*okta.Attribute, error)
	update func(c *okta.Client, ctx context.Context, owner string, a okta.Attribute, master *okta.AttributeSource) (*okta.Attribute, error)
	delete func(c *okta.Client, ctx context.Context, owner, name string) error
}

// attributeModel is the model of either resource: attributeFieldsModel (embedded, which gives
// fields, validate and the conversions) and the owner argument. The app's model adds union and
// overrides validate and the conversions.
type attributeModel interface {
	fields() *attributeFieldsModel
	owner() string
	validate(ctx context.Context, diags *diag.Diagnostics)
	toAttribute(ctx context.Context, diags *diag.Diagnostics) okta.Attribute
	fromAttribute(a *okta.Attribute, diags *diag.Diagnostics)
	// source is the source priority to write with the attribute, given the prior state (nil on
	// create): nil keeps what Okta holds.
	source(ctx context.Context, prior attributeModel, diags *diag.Diagnostics) *okta.AttributeSource
}

func (r *attributeResource) Metadata(_ context.Context, _ resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = r.owner.typeName
}

func (r *attributeResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := attributeSchemaAttributes(r.owner.ownerAttr, r.owner.userProfile)
	for name, a := range r.owner.attributes {
		attrs[name] = a
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: r.owner.description,
		Attributes:          attrs,
		Blocks:              map[string]schema.Block{"timeouts": timeoutsBlock(ctx)},
	}
}

func (r *attributeResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = clientFromProviderData(req.ProviderData, &resp.Diagnostics)
}

func (r *attributeResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	cfg := r.owner.newModel()
	resp.Diagnostics.Append(req.Config.Get(ctx, cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg.validate(ctx, &resp.Diagnostics)
}

func (r *attributeResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return
	}
	r.owner.modifyPlan(ctx, r.client, req, resp)
}

func (r *attributeResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	plan := r.owner.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.fields().Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()
	want := plan.toAttribute(ctx, &resp.Diagnostics)
	master := plan.source(ctx, nil, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.owner.create(r.client, ctx, plan.owner(), want, master)
	if err != nil {
		resp.Diagnostics.AddError("Cannot create Okta "+r.owner.noun, attributeErrorDetail(r.owner.typeName, err))
		return
	}
	plan.fields().ID = types.StringValue(plan.owner() + "/" + got.Name)
	plan.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *attributeResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	state := r.owner.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.fields().Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.owner.find(r.client, ctx, state.owner(), state.fields().Name.ValueString())
	if okta.IsNotFound(err) {
		removeGone(ctx, resp, "Okta "+r.owner.noun+" is gone", fmt.Sprintf("The %s %s/%s does not exist", r.owner.noun, state.owner(), state.fields().Name.ValueString()))
		return
	} else if err != nil {
		resp.Diagnostics.AddError("Cannot read Okta "+r.owner.noun, err.Error())
		return
	}
	state.fields().ID = types.StringValue(state.owner() + "/" + got.Name)
	state.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, state)...)
}

func (r *attributeResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	plan, prior := r.owner.newModel(), r.owner.newModel()
	resp.Diagnostics.Append(req.Plan.Get(ctx, plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, plan.fields().Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	defer cancel()
	want := plan.toAttribute(ctx, &resp.Diagnostics)
	master := plan.source(ctx, prior, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}

	got, err := r.owner.update(r.client, ctx, plan.owner(), want, master)
	if err != nil {
		resp.Diagnostics.AddError("Cannot update Okta "+r.owner.noun, attributeErrorDetail(r.owner.typeName, err))
		return
	}
	plan.fromAttribute(got, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, plan)...)
}

func (r *attributeResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	state := r.owner.newModel()
	resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	if resp.Diagnostics.HasError() || !requireClient(r.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, state.fields().Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	defer cancel()
	if resp.Diagnostics.HasError() {
		return
	}

	if err := r.owner.delete(r.client, ctx, state.owner(), state.fields().Name.ValueString()); err != nil {
		resp.Diagnostics.AddError("Cannot delete Okta "+r.owner.noun, attributeErrorDetail(r.owner.typeName, err))
	}
}

// ImportState takes "<owner>/<name>" (see each owner's splitImportID).
func (r *attributeResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	owner, name, ok := r.owner.splitImportID(req.ID)
	if !ok {
		resp.Diagnostics.AddError("Invalid import ID",
			fmt.Sprintf("Expected \"<%s>/<name>\" such as %q, got %q.", r.owner.ownerAttr, r.owner.importExample, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), owner+"/"+name)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(r.owner.ownerAttr), owner)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("name"), name)...)
}
