using Omnichannel.Flows.Platform.Channels.WebChat;

namespace Omnichannel.Flows.Platform.Tests.Channels;

public sealed class WebChatTokensTests
{
    [Fact]
    public void IssuedToken_NamesItsSessionAndMatchesOnlyItsHash()
    {
        var sessionId = Guid.CreateVersion7();
        var (token, hash) = WebChatTokens.Issue(sessionId);
        var (other, otherHash) = WebChatTokens.Issue(sessionId);

        Assert.Equal(sessionId, WebChatTokens.SessionIdOf(token));
        Assert.True(WebChatTokens.Matches(token, hash));
        Assert.False(WebChatTokens.Matches(other, hash));
        Assert.False(WebChatTokens.Matches(token, otherHash));
        Assert.DoesNotContain(token.Split('.')[1], hash, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("0123.abc")]
    public void Garbage_NamesNoSession(string token)
    {
        Assert.Null(WebChatTokens.SessionIdOf(token));
    }
}
