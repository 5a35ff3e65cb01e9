using Omnichannel.Flows.Platform.Api;
using Omnichannel.Flows.Platform.Broadcasts;

namespace Omnichannel.Flows.Platform.Tests.Api;

public sealed class EnumNamesTests
{
    [Theory]
    [InlineData("marketing", MessagePurpose.Marketing)]
    [InlineData("Transactional", MessagePurpose.Transactional)]
    [InlineData("MARKETING", MessagePurpose.Marketing)]
    [InlineData(" transactional ", MessagePurpose.Transactional)]
    public void ANameInAnyCase_WithSpacesAround_IsRead(string value, MessagePurpose expected)
    {
        Assert.True(EnumNames.TryParse<MessagePurpose>(value, out var parsed));
        Assert.Equal(expected, parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("0")]
    [InlineData("1")]
    [InlineData("marketing,transactional")]
    [InlineData("market ing")]
    [InlineData("promotional")]
    public void NumbersListsAndUnknownNames_AreRefused(string? value) =>
        Assert.False(EnumNames.TryParse<MessagePurpose>(value, out _));

    [Fact]
    public void Choices_AreTheNamesAsTheApiWritesThem() =>
        Assert.Equal("marketing or transactional", EnumNames.Choices<MessagePurpose>());
}
