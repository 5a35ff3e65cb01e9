using System.Security.Claims;

namespace Omnichannel.Flows.Platform.Auth;

public static class CurrentUser
{
    public static string? Id(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);

    public static string? Name(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Name) ?? user.Identity?.Name;
}
