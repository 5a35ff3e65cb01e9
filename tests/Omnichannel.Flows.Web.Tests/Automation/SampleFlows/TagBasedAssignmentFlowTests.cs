using Microsoft.Extensions.DependencyInjection;
using Omnichannel.Flows.Engine.Definitions;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Web.Tests.Automation.Activities;
using Omnichannel.Flows.Web.Tests.Channels;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Automation.SampleFlows;

/// <summary>
/// flows/tag-based-assignment.json run by the engine over the real platform for each new customer message, started as
/// hosting starts a <c>trigger.messageReceived</c> flow (with the event's payload).
/// </summary>
public sealed class TagBasedAssignmentFlowTests : IClassFixture<ActivityAppFactory>
{
    private readonly ActivityAppFactory app;
    private readonly FlowDefinition flow;

    public TagBasedAssignmentFlowTests(ActivityAppFactory app)
    {
        this.app = app;
        flow = app.PublishSample("tag-based-assignment.json");
    }

    [Fact]
    public async Task Trigger_IsEveryCustomerMessage_OnAnyChannel()
    {
        var compiled = await app.Services.GetRequiredService<CompiledFlowCache>().GetAsync(flow.Id, flow.Version, CancellationToken.None);

        var trigger = Assert.Single(compiled.Triggers);
        Assert.Equal("trigger.messageReceived", trigger.Descriptor.Type);
        Assert.Equal((null, null, null, false),
            (trigger.Input<object>("channels"), trigger.Input<string>("keyword"), trigger.Input<string>("pattern"), trigger.Input<bool>("firstMessageOnly")));
    }

    [Fact]
    public async Task AVipCustomer_GoesToTheVipTeam()
    {
        var (vip, _) = await app.TeamAsync("VIP", members: 1);
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hi");
        await app.TagAsync(contactId, "vip");

        await CustomerMessageStartsTheFlowAsync(contactId);

        var conversation = await app.ConversationAsync(contactId);
        Assert.Equal((vip, null), (conversation.AssignedTeamId, conversation.AssignedUserId));
    }

    [Fact]
    public async Task AMessageAboutARefund_GoesToBilling_AndIsTaggedBilling()
    {
        var (billing, _) = await app.TeamAsync("Billing", members: 1);
        var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), "Where is my Refund for order 77?");

        var instance = await CustomerMessageStartsTheFlowAsync(contactId);

        Assert.Equal(FlowStatus.Finished, instance.Status);
        Assert.Equal(billing, (await app.ConversationAsync(contactId)).AssignedTeamId);
        Assert.Equal(["billing"], await app.TagsAsync(contactId));
        Assert.Equal([("tag.added", "billing", true)], await app.TagEventsAsync(contactId));
    }

    [Fact]
    public async Task ACustomerTaggedBilling_GoesToBilling_WhateverTheyWrite()
    {
        var (billing, _) = await app.TeamAsync("Billing", members: 1);
        var contactId = await app.CustomerTextsAsync(TestData.NewGermanMobile(), "hello again");
        await app.TagAsync(contactId, "billing");

        await CustomerMessageStartsTheFlowAsync(contactId);

        Assert.Equal(billing, (await app.ConversationAsync(contactId)).AssignedTeamId);
    }

    [Fact]
    public async Task EveryoneElse_IsSpreadAcrossTheSupportTeam_InTurn()
    {
        var (support, members) = await app.TeamAsync("Support", members: 3);
        var assigned = new List<string?>();
        for (var i = 0; i < 3; i++)
        {
            var contactId = await app.CustomerWritesOnWhatsAppAsync(TestData.NewGermanMobile(), $"a question about sizes ({i})");
            await CustomerMessageStartsTheFlowAsync(contactId);
            var conversation = await app.ConversationAsync(contactId);
            Assert.Equal(support, conversation.AssignedTeamId);
            assigned.Add(conversation.AssignedUserId);
        }

        Assert.Equal(members.Order(StringComparer.Ordinal), assigned.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnAssignedConversation_IsLeftAlone()
    {
        var (vip, _) = await app.TeamAsync("VIP", members: 1);
        await app.TeamAsync("Billing", members: 1);
        var phone = TestData.NewGermanMobile();
        var contactId = await app.CustomerWritesOnWhatsAppAsync(phone, "hi");
        await app.TagAsync(contactId, "vip");
        await CustomerMessageStartsTheFlowAsync(contactId);
        await app.CustomerWritesOnWhatsAppAsync(phone, "and my invoice?");

        var instance = await CustomerMessageStartsTheFlowAsync(contactId, "and my invoice?");

        Assert.Equal("false", Assert.Single(app.StepsOf(instance.Id, "unassigned")).Port);
        Assert.Equal(vip, (await app.ConversationAsync(contactId)).AssignedTeamId);
        Assert.DoesNotContain("billing", await app.TagsAsync(contactId));
    }

    /// <summary>Starts the flow for the contact's message (<paramref name="text"/>, or their only one) as hosting does: the event's payload, facts read now.</summary>
    private async Task<FlowInstance> CustomerMessageStartsTheFlowAsync(Guid contactId, string? text = null)
    {
        var payload = await app.MessageReceivedPayloadAsync(contactId, text);
        var started = await app.StartAsync(flow, contactId, payload, $"message:{payload.GetProperty("messageId").GetString()}");
        return started.Instance ?? throw new InvalidOperationException($"Not started: {started.Outcome}.");
    }
}
