namespace Omnichannel.Flows.Platform.Auth;

/// <summary><c>Auth:*</c>. The bootstrap admin is created on first start when there are no users.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public BootstrapAdminOptions Admin { get; set; } = new();
}

public sealed class BootstrapAdminOptions
{
    public string Email { get; set; } = "admin@localhost";

    /// <summary>When empty, a strong password is generated and printed once in the log.</summary>
    public string? Password { get; set; }
}
