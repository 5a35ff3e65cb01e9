using System.Text;
using Microsoft.Extensions.Options;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Channels.WhatsApp;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Tests.Templates;

public sealed class WhatsAppTemplateWebhookTests
{
    private readonly WhatsAppPayloadParser parser = new(new PhoneNumberNormalizer(Options.Create(new PhoneOptions { DefaultRegion = "DE" })));

    [Fact]
    public void StatusUpdate_CarriesTheTemplateTheStatusAndTheReason()
    {
        var change = Assert.IsType<InboundTemplateStatus>(Assert.Single(Parse("message_template_status_update", """
            { "event": "REJECTED", "message_template_id": 806312974732579, "message_template_name": "welcome_template",
              "message_template_language": "en_US", "reason": "INVALID_FORMAT", "message_template_category": "MARKETING" }
            """)));

        Assert.Equal(("806312974732579", "welcome_template", "en_US"), (change.TemplateExternalId, change.Name, change.Language));
        Assert.Equal((TemplateStatus.Rejected, "INVALID_FORMAT", TemplateCategory.Marketing), (change.Status, change.Reason, change.Category));
    }

    [Theory]
    [InlineData("APPROVED", TemplateStatus.Approved)]
    [InlineData("PAUSED", TemplateStatus.Paused)]
    [InlineData("DISABLED", TemplateStatus.Disabled)]
    [InlineData("IN_APPEAL", TemplateStatus.InAppeal)]
    [InlineData("PENDING_DELETION", TemplateStatus.Deleted)]
    [InlineData("REINSTATED", TemplateStatus.Approved)]
    public void StatusUpdate_EventsBecomeOurStatuses(string @event, TemplateStatus status)
    {
        var change = Assert.IsType<InboundTemplateStatus>(Assert.Single(Parse("message_template_status_update",
            $$"""{ "event": "{{@event}}", "message_template_id": 1, "message_template_name": "t", "message_template_language": "de", "reason": "NONE" }""")));

        Assert.Equal(status, change.Status);
        Assert.Null(change.Reason);
    }

    [Theory]
    [InlineData("FLAGGED")]
    [InlineData("LOCKED")]
    [InlineData("SOMETHING_NEW")]
    public void StatusUpdate_EventThatIsNoStatus_IsNoItem(string @event) =>
        Assert.Empty(Parse("message_template_status_update",
            $$"""{ "event": "{{@event}}", "message_template_id": 1, "message_template_name": "t", "message_template_language": "de" }"""));

    [Fact]
    public void CategoryUpdate_Completed_CarriesTheNewCategory()
    {
        var change = Assert.IsType<InboundTemplateCategory>(Assert.Single(Parse("template_category_update", """
            { "message_template_id": 2, "message_template_name": "t", "message_template_language": "en_US",
              "previous_category": "UTILITY", "new_category": "MARKETING" }
            """)));

        Assert.Equal(TemplateCategory.Marketing, change.Category);
    }

    [Fact]
    public void CategoryUpdate_OnlyAnnounced_IsNoItem() =>
        Assert.Empty(Parse("template_category_update", """
            { "message_template_id": 2, "message_template_name": "t", "message_template_language": "en_US",
              "correct_category": "MARKETING", "new_category": "UTILITY", "category_update_timestamp": 1764676800 }
            """));

    [Fact]
    public void QualityUpdate_CarriesTheNewScore_AndTheLanguageInListSpelling()
    {
        var change = Assert.IsType<InboundTemplateQuality>(Assert.Single(Parse("message_template_quality_update", """
            { "previous_quality_score": "GREEN", "new_quality_score": "YELLOW", "message_template_id": 3,
              "message_template_name": "welcome_template", "message_template_language": "en-US" }
            """)));

        Assert.Equal((TemplateQuality.Yellow, "en_US", "3"), (change.Quality, change.Language, change.TemplateExternalId));
    }

    [Fact]
    public void OtherField_IsNoItem() =>
        Assert.Empty(Parse("account_update", """{ "phone_number": "15550001111", "event": "VERIFIED_ACCOUNT" }"""));

    private IReadOnlyList<InboundItem> Parse(string field, string value) => parser.Parse(Encoding.UTF8.GetBytes(
        $$"""{ "object": "whatsapp_business_account", "entry": [{ "id": "WABA-1", "time": 1764072000, "changes": [{ "field": "{{field}}", "value": {{value}} }] }] }"""));
}
