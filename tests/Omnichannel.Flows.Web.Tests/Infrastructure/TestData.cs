namespace Omnichannel.Flows.Web.Tests.Infrastructure;

/// <summary>Fresh identifiers per test, so tests sharing a host never match each other's customers.</summary>
public static class TestData
{
    private static int sequence = Random.Shared.Next(1_000_000, 8_000_000);

    /// <summary>A German mobile in E.164 (+49 151 …), unique in this test run.</summary>
    public static string NewGermanMobile() => $"+49151{Interlocked.Increment(ref sequence):D8}";

    public static string NewEmail() => $"customer-{Guid.NewGuid():N}@example.com";
}
