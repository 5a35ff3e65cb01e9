using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Platform.Tests.Consent;

public sealed class SendPurposesTests
{
    [Theory]
    [InlineData(MessageOrigin.Agent, null, SendPurpose.Conversation)]
    [InlineData(MessageOrigin.Agent, TemplateCategory.Utility, SendPurpose.Transactional)]
    [InlineData(MessageOrigin.Agent, TemplateCategory.Marketing, SendPurpose.Marketing)]
    [InlineData(MessageOrigin.Automation, null, SendPurpose.Transactional)]
    [InlineData(MessageOrigin.Automation, TemplateCategory.Authentication, SendPurpose.Transactional)]
    [InlineData(MessageOrigin.Automation, TemplateCategory.Marketing, SendPurpose.Marketing)]
    [InlineData(MessageOrigin.Broadcast, null, SendPurpose.Marketing)]
    [InlineData(MessageOrigin.Broadcast, TemplateCategory.Utility, SendPurpose.Transactional)]
    [InlineData(MessageOrigin.System, null, SendPurpose.System)]
    public void Of_OriginAndTemplateCategory_GiveThePurpose(MessageOrigin origin, TemplateCategory? category, SendPurpose expected) =>
        Assert.Equal(expected, SendPurposes.Of(origin, category));
}
