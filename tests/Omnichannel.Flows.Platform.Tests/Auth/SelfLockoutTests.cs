using Omnichannel.Flows.Platform.Auth;

namespace Omnichannel.Flows.Platform.Tests.Auth;

public sealed class SelfLockoutTests
{
    [Fact]
    public void SelfLockout_RemovingOwnAdminRole_IsRefusedOnRoles()
    {
        var refusal = UserAdministration.SelfLockout("me", "me", [Roles.Agent], enabled: null);

        Assert.Equal(new FieldError("roles", "You cannot remove your own Admin role."), refusal);
    }

    [Fact]
    public void SelfLockout_DisablingOneself_IsRefused()
    {
        Assert.Equal(new FieldError("id", "You cannot disable yourself."), UserAdministration.SelfLockout("me", "me", roles: null, enabled: false));
    }

    [Theory]
    [InlineData("someone-else", false, false)] // another admin may demote and disable them
    [InlineData("me", true, true)]              // keeping one's own Admin role and staying enabled
    public void SelfLockout_OtherUsersOrKeepingAdmin_IsAllowed(string userId, bool keepAdmin, bool enabled)
    {
        IReadOnlyList<string> roles = keepAdmin ? [Roles.Admin, Roles.Agent] : [Roles.Agent];

        Assert.Null(UserAdministration.SelfLockout(userId, "me", roles, enabled));
    }
}
