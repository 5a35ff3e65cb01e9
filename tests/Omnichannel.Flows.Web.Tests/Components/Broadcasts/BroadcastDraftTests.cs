using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Web.Components.Broadcasts;

namespace Omnichannel.Flows.Web.Tests.Components.Broadcasts;

/// <summary>The wizard's form model and its error mapping, without the app.</summary>
public sealed class BroadcastDraftTests
{
    [Fact]
    public void ToRequest_SendsContentOnlyForChosenChannelsWithContent_AndReadsBackTheSame()
    {
        var draft = new BroadcastDraft { Name = "Autumn", Purpose = MessagePurpose.Transactional, Tags = ["vip", "de"], TagMatch = TagMatch.Any };
        draft.Channels.AddRange([ChannelKind.WhatsApp, ChannelKind.Email, ChannelKind.Sms]);
        draft.WhatsApp.TemplateName = "order_update";
        draft.WhatsApp.TemplateLanguage = "de";
        draft.WhatsApp.Parameters["1"] = new ParameterDraft { Field = "contact.first_name", Fallback = "Kunde" };
        draft.WhatsApp.Parameters["2"] = new ParameterDraft { Fixed = true, Literal = "A-17" };
        draft.TextFor(ChannelKind.Email).Text = "Hello {{contact.name}}";
        draft.TextFor(ChannelKind.Email).Subject = "Your order";
        draft.TextFor(ChannelKind.Telegram).Text = "not a chosen channel";
        (draft.QuietStart, draft.QuietEnd) = ("21:00", "08:00");

        var request = draft.ToRequest();

        Assert.Equal(["whatsapp", "email", "sms"], request.Channels);
        Assert.Equal(["email", "whatsapp"], request.Content!.Keys.Order(StringComparer.Ordinal));  // SMS has no text yet
        Assert.Equal(new ParameterSource(Field: "contact.first_name", Fallback: "Kunde"), request.Content["whatsapp"].Parameters!["1"]);
        Assert.Equal(new ParameterSource(Literal: "A-17"), request.Content["whatsapp"].Parameters!["2"]);
        Assert.Equal(("transactional", "any"), (request.Purpose, request.Audience!.TagMatch));

        var view = new BroadcastView(Guid.NewGuid(), "Autumn", MessagePurpose.Transactional, BroadcastState.Draft, request,
            new BroadcastProgress(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, new Dictionary<string, int>(), new Dictionary<string, int>(), new BroadcastCost(0, 0, null, null)),
            null, DateTime.UtcNow, DateTime.UtcNow, null, null, null, null, null);
        var again = BroadcastDraft.From(view).ToRequest();
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(request), System.Text.Json.JsonSerializer.Serialize(again));
    }

    [Theory]
    [InlineData("/name", WizardStep.Details)]
    [InlineData("/audience/tags/0", WizardStep.Audience)]
    [InlineData("/channels/2", WizardStep.Audience)]
    [InlineData("/content/whatsapp/parameters/1/field", WizardStep.Content)]
    [InlineData("/quietHours/start", WizardStep.Send)]
    [InlineData("/confirmTotal", WizardStep.Send)]
    public void EachErrorPointer_BelongsToTheStepWhoseFieldItNames(string pointer, WizardStep step) =>
        Assert.Equal(step, DefinitionErrors.StepOf(pointer));

    [Fact]
    public void Errors_ReadByPointerOrEverythingInsideIt_AndTheFirstStepAtFaultIsKnown()
    {
        var errors = new DefinitionErrors(new Dictionary<string, string[]>
        {
            ["/content/sms/text"] = ["The text has 1 to 4096 characters."],
            ["/audience/tags/1"] = ["A tag must not be empty."],
            ["/audience/tagsExtra"] = ["not inside /audience/tags"],
        });

        Assert.Equal("A tag must not be empty.", errors.Under("/audience/tags"));
        Assert.Null(errors.For("/audience/tags"));
        Assert.Equal(WizardStep.Audience, errors.FirstStep);
        Assert.Equal(["not inside /audience/tags"], errors.Unshown(WizardStep.Audience, "/audience/tags"));
    }
}
