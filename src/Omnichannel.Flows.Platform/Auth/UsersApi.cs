using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Api;

namespace Omnichannel.Flows.Platform.Auth;

/// <summary>Admins create users, set their roles and passwords, and disable them.</summary>
public static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/users").WithTags("Users").RequireAuthorization(p => p.RequireRole(Roles.Admin));
        group.MapGet("/", ListAsync);
        group.MapPost("/", CreateAsync);
        group.MapPut("/{id}", UpdateAsync);
        group.MapPost("/{id}/disable", (string id, UserAdministration admin, ClaimsPrincipal me) => SetEnabledAsync(id, false, admin, me));
        group.MapPost("/{id}/enable", (string id, UserAdministration admin, ClaimsPrincipal me) => SetEnabledAsync(id, true, admin, me));
        return app;
    }

    private static async Task<IResult> ListAsync(UserAdministration admin, CancellationToken cancellationToken) =>
        TypedResults.Ok(new { items = await admin.ListAsync(cancellationToken) });

    private static async Task<IResult> CreateAsync(CreateUserRequest request, UserAdministration admin)
    {
        var result = await admin.CreateAsync(request);
        return result.Errors is { } errors ? Results.ValidationProblem(errors) : TypedResults.Created($"/api/users/{result.User!.Id}", result.User);
    }

    private static async Task<IResult> UpdateAsync(string id, UpdateUserRequest request, UserAdministration admin, ClaimsPrincipal me)
    {
        if (UserAdministration.SelfLockout(id, me.Id(), request.Roles, enabled: null) is { } lockout)
        {
            return ApiProblems.Invalid(lockout.Field, lockout.Message);
        }

        var result = await admin.UpdateAsync(id, request);
        return result switch
        {
            { User: null, Errors: null } => ApiProblems.NotFound("No such user."),
            { Errors: { } errors } => Results.ValidationProblem(errors),
            _ => TypedResults.Ok(result.User),
        };
    }

    private static async Task<IResult> SetEnabledAsync(string id, bool enabled, UserAdministration admin, ClaimsPrincipal me)
    {
        if (UserAdministration.SelfLockout(id, me.Id(), roles: null, enabled) is { } lockout)
        {
            return ApiProblems.Invalid(lockout.Field, lockout.Message);
        }

        return await admin.SetEnabledAsync(id, enabled) is { } user ? TypedResults.Ok(user) : ApiProblems.NotFound("No such user.");
    }
}

public sealed record UserView(string Id, string? Email, string DisplayName, IReadOnlyList<string> Roles, bool Disabled);

public sealed record CreateUserRequest(string? Email, string? DisplayName, string? Password, IReadOnlyList<string>? Roles);

public sealed record UpdateUserRequest(string? DisplayName, string? Password, IReadOnlyList<string>? Roles);

public sealed record UserResult(UserView? User, Dictionary<string, string[]>? Errors);

public sealed record FieldError(string Field, string Message);

/// <summary>User management shared by the API and the admin page.</summary>
public sealed class UserAdministration(UserManager<ApplicationUser> users, TimeProvider time)
{
    public async Task<IReadOnlyList<UserView>> ListAsync(CancellationToken cancellationToken)
    {
        var all = await users.Users.OrderBy(u => u.Email).ToListAsync(cancellationToken);
        var views = new List<UserView>(all.Count);
        foreach (var user in all)
        {
            views.Add(await ViewAsync(user));
        }

        return views;
    }

    public async Task<UserResult> CreateAsync(CreateUserRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (Contacts.EmailAddresses.Normalize(request.Email) is null)
        {
            errors["email"] = ["A valid email address is required."];
        }

        if (string.IsNullOrEmpty(request.Password))
        {
            errors["password"] = ["A password is required."];
        }

        CheckRoles(request.Roles, errors);
        if (errors.Count > 0)
        {
            return new UserResult(null, errors);
        }

        var email = request.Email!.Trim();
        var user = new ApplicationUser
        {
            UserName = email,
            Email = email,
            EmailConfirmed = true,
            DisplayName = string.IsNullOrWhiteSpace(request.DisplayName) ? email : request.DisplayName.Trim(),
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        var created = await users.CreateAsync(user, request.Password!);
        if (!created.Succeeded)
        {
            return new UserResult(null, IdentityErrors(created, "password"));
        }

        await users.AddToRolesAsync(user, request.Roles ?? [Roles.Agent]);
        return new UserResult(await ViewAsync(user), null);
    }

    public async Task<UserResult> UpdateAsync(string id, UpdateUserRequest request)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return new UserResult(null, null);
        }

        var errors = new Dictionary<string, string[]>();
        CheckRoles(request.Roles, errors);
        if (errors.Count > 0)
        {
            return new UserResult(null, errors);
        }

        if (request.Password is { Length: > 0 } password)
        {
            var token = await users.GeneratePasswordResetTokenAsync(user);
            var reset = await users.ResetPasswordAsync(user, token, password);
            if (!reset.Succeeded)
            {
                return new UserResult(null, IdentityErrors(reset, "password"));
            }
        }

        if (!string.IsNullOrWhiteSpace(request.DisplayName))
        {
            user.DisplayName = request.DisplayName.Trim();
            await users.UpdateAsync(user);
        }

        if (request.Roles is { } roles)
        {
            var current = await users.GetRolesAsync(user);
            await users.RemoveFromRolesAsync(user, current.Except(roles));
            await users.AddToRolesAsync(user, roles.Except(current));
        }

        return new UserResult(await ViewAsync(user), null);
    }

    /// <summary>
    /// An admin may not lock themselves out: removing their own Admin role or disabling themselves is refused.
    /// </summary>
    /// <returns>The field and message saying why, or null when the change is allowed.</returns>
    public static FieldError? SelfLockout(string userId, string? actingUserId, IReadOnlyList<string>? roles, bool? enabled) =>
        userId != actingUserId ? null
        : roles is not null && !roles.Contains(Roles.Admin) ? new FieldError("roles", "You cannot remove your own Admin role.")
        : enabled == false ? new FieldError("id", "You cannot disable yourself.")
        : null;

    public async Task<UserView?> SetEnabledAsync(string id, bool enabled)
    {
        var user = await users.FindByIdAsync(id);
        if (user is null)
        {
            return null;
        }

        await users.SetLockoutEnabledAsync(user, true);
        await users.SetLockoutEndDateAsync(user, enabled ? null : DateTimeOffset.MaxValue);
        // Existing cookies and tokens stop working at their next security-stamp check.
        await users.UpdateSecurityStampAsync(user);
        return await ViewAsync(user);
    }

    private async Task<UserView> ViewAsync(ApplicationUser user) =>
        new(user.Id, user.Email, user.DisplayName, [.. await users.GetRolesAsync(user)],
            user.LockoutEnd is { } end && end > time.GetUtcNow());

    private static void CheckRoles(IReadOnlyList<string>? roles, Dictionary<string, string[]> errors)
    {
        if (roles?.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
        {
            errors["roles"] = [$"Unknown role '{unknown}'. Roles are {string.Join(", ", Roles.All)}."];
        }
    }

    private static Dictionary<string, string[]> IdentityErrors(IdentityResult result, string field) =>
        new() { [result.Errors.Any(e => e.Code.Contains("UserName", StringComparison.Ordinal) || e.Code.Contains("Email", StringComparison.Ordinal)) ? "email" : field] = [.. result.Errors.Select(e => e.Description)] };
}
