using System.Globalization;
using Bunit;
using Microsoft.AspNetCore.Components;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Web.Components.Contacts;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components.Contacts;

[Collection(ContactPagesCollection.Name)]
public sealed class ThreadViewTests(ContactPagesAppFactory app) : ContactPagesContext(app)
{
    [Fact]
    public async Task Thread_MessagesOnSeveralChannels_ShowInSentOrderWithStatusesAndErrorReasons()
    {
        await SignInAsAdminAsync();
        var now = App.Clock.GetUtcNow();
        var phone = TestData.NewGermanMobile();
        // The photo's delivery reaches us before the older greeting: the thread still orders by when each was sent.
        var contactId = await App.CustomerWritesOnWhatsAppAsync(phone, "Anna Example", now.AddMinutes(-20), """
            "type": "image", "image": { "id": "MEDIA-1", "mime_type": "image/jpeg", "caption": "The damaged box" }
            """);
        await App.CustomerTextsOnWhatsAppAsync(phone, "Anna Example", now.AddMinutes(-60), "Hello from WhatsApp");
        await App.AddMessageAsync(contactId, ChannelKind.Email, MessageDirection.Inbound, now.AddMinutes(-50).UtcDateTime,
            "Where is my parcel?", DeliveryStatus.Received, subject: "Order 1234");
        await App.AddMessageAsync(contactId, ChannelKind.WhatsApp, MessageDirection.Outbound, now.AddMinutes(-40).UtcDateTime,
            "We are checking", DeliveryStatus.Read, authorName: "Jane Agent");
        await App.AddMessageAsync(contactId, ChannelKind.Sms, MessageDirection.Outbound, now.AddMinutes(-30).UtcDateTime,
            "Your parcel is delayed", DeliveryStatus.Failed, origin: MessageOrigin.Automation, errorCode: "30003", errorReason: "Unreachable destination handset");

        var page = RenderProfile(contactId).Page;

        page.WaitForAssertion(() => Assert.Equal(
            ["Hello from WhatsApp", "Where is my parcel?", "We are checking", "Your parcel is delayed", "The damaged box"], ThreadTexts(page)), Eventually);
        var email = Bubble(page, "Where is my parcel?");
        Assert.Contains("Email", email.QuerySelector("[data-testid=channel-chip]")!.TextContent);
        Assert.Equal("Subject: Order 1234", email.QuerySelector("[data-testid=message-subject]")!.TextContent.Trim());
        Assert.Contains("Customer", email.QuerySelector("[data-testid=message-origin]")!.TextContent);
        Assert.Null(email.QuerySelector("[data-testid=message-status]"));
        var reply = Bubble(page, "We are checking");
        Assert.Equal("Agent · Jane Agent", reply.QuerySelector("[data-testid=message-origin]")!.TextContent.Trim());
        Assert.Equal("read", reply.QuerySelector("[data-testid=message-status]")!.TextContent.Trim());
        var failed = Bubble(page, "Your parcel is delayed");
        Assert.Contains("SMS", failed.QuerySelector("[data-testid=channel-chip]")!.TextContent);
        Assert.Contains("Automation", failed.QuerySelector("[data-testid=message-origin]")!.TextContent);
        Assert.Equal("failed", failed.QuerySelector("[data-testid=message-status]")!.TextContent.Trim());
        Assert.Equal("Unreachable destination handset (code 30003)", failed.QuerySelector("[data-testid=message-error]")!.TextContent.Trim());
        var photo = Bubble(page, "The damaged box");
        Assert.Equal("image · image/jpeg · media id MEDIA-1", photo.QuerySelector("[data-testid=message-kind]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Thread_CustomerWritesWhileOpen_MessageAppearsWithoutReload()
    {
        await SignInAsAdminAsync();
        var phone = TestData.NewGermanMobile();
        var contactId = await App.CustomerTextsOnWhatsAppAsync(phone, "Ben Live", App.Clock.GetUtcNow().AddMinutes(-5), "First question");
        var page = RenderProfile(contactId).Page;
        page.WaitForAssertion(() => Assert.Equal(["First question"], ThreadTexts(page)), Eventually);

        await App.CustomerTextsOnWhatsAppAsync(phone, "Ben Live", App.Clock.GetUtcNow(), "Any news?");

        page.WaitForAssertion(() => Assert.Equal(["First question", "Any news?"], ThreadTexts(page)), Eventually);
    }

    [Fact]
    public async Task Thread_LongerThanAPage_LoadsOlderMessagesOnDemand()
    {
        await SignInAsAdminAsync();
        var phone = TestData.NewGermanMobile();
        var start = App.Clock.GetUtcNow().AddDays(-1);
        var contactId = await App.CustomerTextsOnWhatsAppAsync(phone, "Carla Paging", start, "message 00");
        var second = start.UtcDateTime.AddMinutes(1);
        for (var i = 1; i < ContactThread.PageSize + 5; i++)
        {
            // Two messages share each minute, so a page boundary falls between messages sent at the same instant.
            await App.AddMessageAsync(contactId, ChannelKind.WhatsApp, MessageDirection.Inbound, second.AddMinutes(i / 2), $"message {i:D2}", DeliveryStatus.Received);
        }

        var page = RenderProfile(contactId).Page;
        // The latest page: 30 messages, plus "message 04", sent in the same minute as the oldest of them.
        page.WaitForAssertion(() => AssertInSentOrder(page, 4, ContactThread.PageSize + 4), Eventually);

        await page.Find("[data-testid=load-older]").ClickAsync(new());

        page.WaitForAssertion(() => AssertInSentOrder(page, 0, ContactThread.PageSize + 4), Eventually);
        Assert.Empty(page.FindAll("[data-testid=load-older]"));
    }

    /// <summary>Messages "message {first}" to "message {last}" are shown, each at or after the one above it (pairs share a minute).</summary>
    private static void AssertInSentOrder(IRenderedComponent<IComponent> page, int first, int last)
    {
        var shown = ThreadTexts(page);
        Assert.Equal([.. Enumerable.Range(first, last - first + 1).Select(i => $"message {i:D2}")], shown.Order());
        var minutes = shown.Select(MinuteSent).ToList();
        Assert.Equal(minutes.Order(), minutes);

        // "message 00" came a minute before the seeded ones; seeded message i was sent in minute i / 2.
        static int MinuteSent(string text) => int.Parse(text[^2..], CultureInfo.InvariantCulture) is var i and > 0 ? i / 2 : -1;
    }
}
