using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Tests.Templates;

public sealed class TemplateParameterDefaultsTests
{
    private static readonly ContactDetails Anna = new(
        Guid.NewGuid(), "Anna Example", "Anna", null, "de-DE", null, [], [], [], [],
        new Dictionary<string, string> { ["Plan"] = "Gold" }, DateTime.UtcNow, DateTime.UtcNow);

    [Fact]
    public void For_PlaceholdersNamedAfterWhatWeKnow_GetTheContactsValues()
    {
        var values = TemplateParameterDefaults.For(["first_name", "display_name", "plan", "last_name", "order_id"], Anna);

        Assert.Equal(new Dictionary<string, string> { ["first_name"] = "Anna", ["display_name"] = "Anna Example", ["plan"] = "Gold" }, values);
    }

    [Fact]
    public void For_NumberedPlaceholders_GetNothing() => Assert.Empty(TemplateParameterDefaults.For(["1", "2"], Anna));
}
