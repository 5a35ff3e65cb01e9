using Microsoft.AspNetCore.Identity;

namespace Omnichannel.Flows.Platform.Auth;

public sealed class ApplicationUser : IdentityUser
{
    public string DisplayName { get; set; } = "";
    public DateTime CreatedAt { get; init; }
}

/// <summary>The three roles of the product. Admins manage channels, templates and users.</summary>
public static class Roles
{
    public const string Admin = "Admin";
    public const string Marketing = "Marketing";
    public const string Agent = "Agent";

    public static readonly IReadOnlyList<string> All = [Admin, Marketing, Agent];
}
