using Omnichannel.Flows.Platform.Contacts;

namespace Omnichannel.Flows.Platform.Tests.Contacts;

public sealed class EmailAddressesTests
{
    [Theory]
    [InlineData("  Anna.Example@Example.COM ", "anna.example@example.com")]
    [InlineData("Anna <anna@example.com>", "anna@example.com")]
    public void Normalize_TrimsAndLowerCases(string raw, string expected) => Assert.Equal(expected, EmailAddresses.Normalize(raw));

    [Theory]
    [InlineData("")]
    [InlineData("not an address")]
    [InlineData("@example.com")]
    public void Normalize_RejectsWhatIsNotAnAddress(string raw) => Assert.Null(EmailAddresses.Normalize(raw));
}
