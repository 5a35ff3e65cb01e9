using System.Security.Claims;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Web.Tests.Components.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Templates;

/// <summary>Steps the template UI tests share: someone of a role signed in, a customer whose profile says more than their WhatsApp name.</summary>
public static class TemplateTestSteps
{
    public static readonly TimeSpan Eventually = TimeSpan.FromSeconds(15);

    /// <summary>Signs in a (made-up) user who has only <paramref name="role"/>.</summary>
    public static void SignInAs(this BunitAuthorizationContext authorization, string role)
    {
        authorization.SetAuthorized($"{role.ToLowerInvariant()}@test.local");
        authorization.SetRoles(role);
        authorization.SetClaims(new Claim(ClaimTypes.NameIdentifier, $"user-{role.ToLowerInvariant()}"));
    }

    /// <summary>A WhatsApp customer who last wrote at <paramref name="wroteAt"/>, with a first name and custom fields on their profile.</summary>
    public static async Task<Guid> CustomerAsync(this FlowsAppFactory app, string displayName, DateTimeOffset wroteAt, string? firstName = null,
        IReadOnlyDictionary<string, string>? fields = null, string? phone = null)
    {
        var contactId = await app.CustomerTextsOnWhatsAppAsync(phone ?? TestData.NewGermanMobile(), displayName, wroteAt, "hello");
        using var scope = app.Services.CreateScope();
        var profiles = scope.ServiceProvider.GetRequiredService<ContactProfiles>();
        if (firstName is not null)
        {
            Assert.Null(await profiles.UpdateAsync(contactId, new UpdateContactRequest(null, firstName, null, null, null), CancellationToken.None));
        }

        foreach (var (key, value) in fields ?? new Dictionary<string, string>())
        {
            Assert.Null(await profiles.SetFieldAsync(contactId, key, value, CancellationToken.None));
        }

        return contactId;
    }
}
