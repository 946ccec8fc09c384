package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/dialpad/terraform-provider-dialpad/internal/okta"
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
}

func (m *userAttributeModel) owner() string { return m.UserType.ValueString() }

const userAttributeDescription = "One custom attribute of an Okta user type's profile schema " +
	"(Directory -> Profile Editor -> User).\n\n" +
	"Creating an attribute that already exists fails with the import command; nothing is adopted silently, " +
	"except an attribute exactly as configured (what an interrupted apply leaves behind), which is taken over. " +
	"Writes to one schema are serialized inside the provider, each write reads the whole attribute, changes only " +
	"the fields this resource manages, and is verified by reading it back; Okta's eventual consistency, lost " +
	"concurrent updates and its clean-up window after a deletion are retried within the resource's `timeouts`.\n\n" +
	"This resource never writes the attribute's source priority (`master`); manage that with " +
	"`dialpad_okta_attribute_source`. Both can own the same attribute.\n\n" +
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
	create:        (*okta.Client).CreateUserAttribute,
	find:          (*okta.Client).FindUserAttribute,
	update:        (*okta.Client).UpdateUserAttribute,
	delete:        (*okta.Client).DeleteUserAttribute,
}

// planUserAttribute makes the spellings of one user type one value and checks that it exists (see
// planUserType).
func planUserAttribute(ctx context.Context, c *okta.Client, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	planUserType(ctx, c, req, resp, path.Root("user_type"), true)
}
