using Omnichannel.Flows.Web.Hosting;

namespace Omnichannel.Flows.Web.Tests.Hosting;

/// <summary>Where the <c>flows import/export</c> verbs look for a folder named on the command line.</summary>
public sealed class FlowsCommandLineTests
{
    private static readonly string Shell = Path.GetTempPath();
    private static readonly string AppFolder = AppContext.BaseDirectory;

    [Fact]
    public void ARelativeFolder_IsTakenFromTheShellsDirectory_NotTheFolderDotnetRunStartedTheAppIn() =>
        Assert.Equal(Path.Combine(Shell, "flows"), FlowsCommandLine.ResolveFolder("./flows", Shell, AppFolder));

    [Fact]
    public void AnAbsoluteFolder_StaysAsGiven() =>
        Assert.Equal(Path.Combine(Shell, "out"), FlowsCommandLine.ResolveFolder(Path.Combine(Shell, "out"), "/somewhere/else", AppFolder));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("relative/pwd")]
    [InlineData("/no/such/directory/anywhere")]
    public void WithoutAUsableShellDirectory_ARelativeFolder_IsTakenFromTheCurrentDirectory(string? shellDirectory) =>
        Assert.Equal(Path.Combine(AppFolder, "flows"), FlowsCommandLine.ResolveFolder("flows", shellDirectory, AppFolder));
}
