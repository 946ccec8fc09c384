package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
	"github.com/dialpad/terraform-provider-dialpad/internal/validate"
)

var _ attributeModel = (*userAttributeModel)(nil)

// NewUserAttributeResource is the constructor of resource "dialpad_okta_user_attribute": the
// attribute resource (attribute_resource.go) owned by a user type's profile schema.
func NewUserAttributeResource() resource.Resource {
	return &attributeResource{owner: userTypeAttributeOwner}
}

type userAttributeModel struct {
	UserType types.String `tfsdk:"user_type"`
	attributeFieldsModel
	// The source priority; null: not managed.
	MasterType     types.String `tfsdk:"master_type"`
	MasterPriority types.List   `tfsdk:"master_priority"`
}

func (m *userAttributeModel) owner() string { return m.UserType.ValueString() }

const userAttributeDescription = "One custom attribute of an Okta user type's profile schema " +
	"(Directory -> Profile Editor -> User).\n\n" +
	"Creating an attribute that already exists fails with the import command; nothing is adopted silently, " +
	"except an attribute exactly as configured (what an interrupted apply leaves behind), which is taken over. " +
	"Writes to one schema are serialized inside the provider, each write reads the whole attribute, changes only " +
	"the fields this resource manages, and is verified by reading it back; Okta's eventual consistency, lost " +
	"concurrent updates and its clean-up window after a deletion are retried within the resource's `timeouts`.\n\n" +
	"**Source priority.** With `master_type` set, this resource also manages the attribute's source priority " +
	"(`master`: Profile Editor -> attribute -> Source priority) at no extra API call: the create sends it in the " +
	"request that creates the attribute, an update writes it together with the fields in one write, `terraform plan` " +
	"shows a change made outside Terraform, and removing `master_type` (and `master_priority`) from the configuration " +
	"returns the attribute to `PROFILE_MASTER` (inherit), in the same write as any field change. Destroying the " +
	"attribute removes its source priority with it. Without `master_type` (the default) the source priority is not " +
	"managed: writes keep whatever Okta holds, and it may be managed with `dialpad_okta_attribute_source` instead " +
	"(not both). An import leaves it unmanaged; with `master_type` in the configuration, the next plan then shows an " +
	"in-place update that writes (or finds) it.\n\n" +
	profileSourcingDescription + "\n\n" +
	"Okta refuses to delete an attribute a profile mapping still uses; the error names the mapping and property. " +
	"When the mapping is in the same configuration, make it depend on the attribute (reference the attribute's " +
	"`name`, or `depends_on`), so that Terraform removes the mapping property first.\n\n" +
	"Changing `name`, `user_type` (to another type: `user`, `default` and the default type's id are one type), `type` or " +
	"`array_type` replaces the attribute, which deletes its values on every user profile; Okta then refuses the same " +
	"variable name until it has finished cleaning up (usually minutes), which the create retries within `timeouts.create`. " +
	"When a mapping uses the attribute, give the attribute (and a `dialpad_okta_attribute_source` of it) " +
	"`lifecycle { create_before_destroy = true }`: Terraform then creates the new attribute, moves the mapping property to " +
	"it and deletes the old attribute last. Without it the old attribute is deleted first, which Okta refuses while the " +
	"mapping still uses it. (`create_before_destroy` needs the new attribute to be another one: a new `type` under the " +
	"same name and user type cannot be created while the old one exists.)"

var userTypeAttributeOwner = attributeOwner{
	typeName:    "dialpad_okta_user_attribute",
	noun:        "user attribute",
	description: userAttributeDescription,
	ownerAttr:   "user_type",
	userProfile: true,
	attributes: map[string]schema.Attribute{
		"master_type": schema.StringAttribute{
			Optional: true,
			MarkdownDescription: "The attribute's source priority, managed by this resource when set: " +
				fmt.Sprintf(masterTypeDescription, "master_priority") + " Not set: not managed (Okta's is kept, and " +
				"not shown). Removing it after it was set returns the attribute to `PROFILE_MASTER`. An import leaves it " +
				"unset. See **Source priority** above.",
			Validators: []validator.String{stringvalidator.OneOf(validate.MasterTypes...)},
		},
		"master_priority": schema.ListAttribute{
			ElementType: types.StringType,
			Optional:    true,
			MarkdownDescription: masterPriorityDescription + " Checked at plan time only when the source priority is " +
				"about to be written (see **Profile sourcing** above).",
			Validators: masterPriorityValidators(),
		},
		"user_type": schema.StringAttribute{
			Optional:            true,
			Computed:            true,
			Default:             stringdefault.StaticString(okta.DefaultUserType),
			MarkdownDescription: userTypeArgumentDescription + " Changing it to another type replaces the attribute.",
			Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
		},
	},
	newModel: func() attributeModel { return &userAttributeModel{} },
	// A bare "<name>" is an attribute of the default user type.
	importExample: okta.DefaultUserType + "/dialpadPhone",
	splitImportID: splitUserTypeID,
	modifyPlan:    planUserAttribute,
	create:        (*okta.Client).CreateUserAttributeWithSource,
	find:          (*okta.Client).FindUserAttribute,
	update:        (*okta.Client).UpdateUserAttributeWithSource,
	delete:        (*okta.Client).DeleteUserAttribute,
}

// planUserAttribute makes the spellings of one user type one value and checks that it exists (see
// planUserType). With a managed source priority, it notes the attribute as the owner of its master
// (see okta.Client.NoteUserAttributeMaster: a dialpad_okta_attribute_source of it destroyed in
// the same run leaves it alone), and, when the master is about to be written (a create or
// replacement, or a change of master_type or master_priority; never an unchanged one, whose check
// would cost an app listing), checks that the apps of an override are profile sources.
func planUserAttribute(ctx context.Context, c *okta.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planUserType(ctx, c, req, resp, path.Root("user_type"), true)
	if resp.Diagnostics.HasError() {
		return
	}
	var plan userAttributeModel
	resp.Diagnostics.Append(resp.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() || plan.MasterType.IsNull() {
		return // not managed; or no longer: the reset to PROFILE_MASTER needs no check
	}
	if !plan.UserType.IsUnknown() && !plan.Name.IsUnknown() {
		c.NoteUserAttributeMaster(plan.UserType.ValueString(), plan.Name.ValueString())
	}
	if !req.State.Raw.IsNull() {
		var prior userAttributeModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		// (A replacement is checked as the create it is: Terraform plans it again without state.)
		if resp.Diagnostics.HasError() || (prior.MasterType.Equal(plan.MasterType) && prior.MasterPriority.Equal(plan.MasterPriority)) {
			return
		}
	}
	if plan.MasterType.ValueString() == okta.MasterOverride {
		checkMasterPrioritySourcing(ctx, c, plan.MasterPriority, path.Root("master_priority"), &resp.Diagnostics)
	}
}

// validate adds the rules of the source priority to those both attribute resources share.
func (m *userAttributeModel) validate(ctx context.Context, diags *diag.Diagnostics) {
	m.attributeFieldsModel.validate(ctx, diags)
	validateMasterPriority(m.MasterType, m.MasterPriority, "master_priority", diags)
}

// source is the configured source priority when managed; PROFILE_MASTER when it was managed
// (prior) and no longer is, as destroying a dialpad_okta_attribute_source does; nil (keep Okta's)
// when it is not managed.
func (m *userAttributeModel) source(ctx context.Context, prior attributeModel, diags *diag.Diagnostics) *okta.AttributeSource {
	if m.MasterType.IsNull() {
		if p, ok := prior.(*userAttributeModel); ok && !p.MasterType.IsNull() {
			return &okta.AttributeSource{MasterType: okta.MasterProfileMaster}
		}
		return nil
	}
	s := &okta.AttributeSource{MasterType: m.MasterType.ValueString()}
	if !m.MasterPriority.IsNull() {
		diags.Append(m.MasterPriority.ElementsAs(ctx, &s.Priority, false)...)
	}
	return s
}

// fromAttribute writes what Okta holds into the model, and its source priority when managed. An
// org that does not report it keeps the model's (what was configured or last seen), with a warning.
func (m *userAttributeModel) fromAttribute(a *okta.Attribute, diags *diag.Diagnostics) {
	m.attributeFieldsModel.fromAttribute(a, diags)
	if m.MasterType.IsNull() {
		return
	}
	if a.Source.Unreported {
		warnUnreportedMaster(diags)
		return
	}
	m.MasterType = types.StringValue(a.Source.MasterType)
	m.MasterPriority = masterPriorityList(a.Source, diags)
}
