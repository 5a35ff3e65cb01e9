using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;

namespace Omnichannel.Flows.Platform.Tests.Broadcasts;

public sealed class BroadcastDefinitionTests
{
    private static readonly RecipientProfile Anna = new(Guid.NewGuid(), "Anna", null, "Anna Example", new Dictionary<string, string> { ["plan"] = "pro" });

    [Fact]
    public void Definition_RoundTripsThroughItsJson_WithChannelNamesAsKeys()
    {
        var definition = new BroadcastDefinition
        {
            Audience = new AudienceFilter(["vip"], TagMatch.Any, [ChannelKind.WhatsApp], [new FieldEquals("plan", "pro")]),
            Channels = [ChannelKind.WhatsApp, ChannelKind.Sms],
            Content = new Dictionary<ChannelKind, ChannelContent>
            {
                [ChannelKind.WhatsApp] = new(new TemplateRef("sale", "en_US"), new Dictionary<string, ParameterSource> { ["1"] = new(Field: "contact.first_name", Fallback: "there") }),
                [ChannelKind.Sms] = new(Text: "Hi {{contact.first_name|there}}"),
            },
            QuietHours = new QuietHours(new TimeOnly(21, 0), new TimeOnly(8, 0)),
        };

        var json = definition.ToJson();
        var back = BroadcastDefinition.Parse(json);

        Assert.Contains("\"whatsapp\":", json, StringComparison.Ordinal);
        Assert.Contains("\"sms\":", json, StringComparison.Ordinal);
        Assert.Equal(definition.Channels, back.Channels);
        Assert.Equal("there", back.ContentFor(ChannelKind.WhatsApp)!.Parameters!["1"].Fallback);
        Assert.Equal(TagMatch.Any, back.Audience.TagMatch);
        Assert.Equal(definition.QuietHours, back.QuietHours);
    }

    [Theory]
    [InlineData("Hi {{contact.first_name}}, your plan: {{ contact.fields.plan }}", "Hi Anna, your plan: pro")]
    [InlineData("Dear {{contact.last_name|customer}}", "Dear customer")]
    [InlineData("No variables", "No variables")]
    public void Render_FillsVariablesAndFallbacks(string text, string expected)
    {
        Assert.Equal((expected, null), MessageVariables.Render(text, Anna));
    }

    [Fact]
    public void Render_AVariableWithoutValueOrFallback_NamesIt()
    {
        Assert.Equal((null, "contact.fields.city"), MessageVariables.Render("See you in {{contact.fields.city}}", Anna));
    }

    [Theory]
    [InlineData("contact.first_name", true)]
    [InlineData("contact.fields.plan", true)]
    [InlineData("contact.fields.", false)]
    [InlineData("contact.email", false)]
    [InlineData("first_name", false)]
    public void IsKnown_AcceptsProfileValuesAndCustomFields(string variable, bool known)
    {
        Assert.Equal(known, MessageVariables.IsKnown(variable));
    }

    [Theory]
    [InlineData("20:59", false)]
    [InlineData("21:00", true)]
    [InlineData("02:00", true)]
    [InlineData("07:59", true)]
    [InlineData("08:00", false)]
    public void QuietHours_SpanningMidnight_AreQuietFromStartToEnd(string local, bool quiet)
    {
        Assert.Equal(quiet, new QuietHours(new TimeOnly(21, 0), new TimeOnly(8, 0)).IsQuiet(TimeOnly.Parse(local, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void QuietUntil_IsTheNextEndInTheCustomersZone()
    {
        var quiet = new QuietHours(new TimeOnly(21, 0), new TimeOnly(8, 0));
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var lateEvening = new DateTime(2026, 1, 15, 22, 30, 0, DateTimeKind.Utc); // 23:30 in Berlin (CET)

        Assert.Equal(new DateTime(2026, 1, 16, 7, 0, 0, DateTimeKind.Utc), quiet.QuietUntil(berlin, lateEvening));
        Assert.Null(quiet.QuietUntil(berlin, new DateTime(2026, 1, 15, 12, 0, 0, DateTimeKind.Utc)));
    }
}
