using Bunit;
using MudBlazor;
using Omnichannel.Flows.Web.Components.Admin;
using Omnichannel.Flows.Web.Tests.Infrastructure;

namespace Omnichannel.Flows.Web.Tests.Components;

public sealed class TeamsPageTests(FlowsAppFactory app) : ComponentTest(app), IClassFixture<FlowsAppFactory>
{
    [Fact]
    public async Task CreateTeam_ThenSetItsMembers_ShowsThemInTheList()
    {
        await SignInAsAdminAsync();
        var name = $"Support {Guid.NewGuid():N}"[..20];
        var popovers = Render<MudPopoverProvider>();
        var cut = Render<TeamsPage>();
        cut.WaitForElement("[data-testid=teams-table]");

        Type(cut, "new-team-name", name);
        await cut.Find("[data-testid=team-create-submit]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("No members", RowOf(cut, name).TextContent));

        await RowOf(cut, name).QuerySelector("button")!.ClickAsync(new());
        var editor = cut.FindComponents<MemberPicker>().Single(picker => picker.Instance.InputId == "edit-team-members");
        await cut.InvokeAsync(() => editor.FindComponent<MudSelect<string>>().Instance.OpenMenu());
        popovers.WaitForAssertion(() => popovers.FindAll(".mud-list-item").First(i => i.TextContent.Contains(FlowsAppFactory.AdminEmail, StringComparison.Ordinal)).Click());
        await cut.Find("[data-testid=team-members-save]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("Administrator", RowOf(cut, name).TextContent));
    }

    [Fact]
    public async Task CreateTeam_WithANameInUse_ShowsTheConflictNextToTheName()
    {
        await SignInAsAdminAsync();
        var name = $"Sales {Guid.NewGuid():N}"[..20];
        var cut = Render<TeamsPage>();
        cut.WaitForElement("[data-testid=teams-table]");
        Type(cut, "new-team-name", name);
        await cut.Find("[data-testid=team-create-submit]").ClickAsync(new());
        cut.WaitForAssertion(() => RowOf(cut, name));

        Type(cut, "new-team-name", name);
        await cut.Find("[data-testid=team-create-submit]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains($"There is already a team named '{name}'.", FieldText(cut, "new-team-name")));
        Assert.Single(cut.FindAll("[data-testid=team-row]"), row => row.TextContent.Contains(name, StringComparison.Ordinal));
    }

    private static AngleSharp.Dom.IElement RowOf(IRenderedComponent<TeamsPage> cut, string name) =>
        cut.FindAll("[data-testid=team-row]").Single(row => row.QuerySelector("td")!.TextContent.Trim() == name);
}
