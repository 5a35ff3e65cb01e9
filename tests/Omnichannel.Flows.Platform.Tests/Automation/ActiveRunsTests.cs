using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Engine.Running;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Tests.Data;

namespace Omnichannel.Flows.Platform.Tests.Automation;

/// <summary>
/// What a start's concurrency check reads (<see cref="FlowStoreCommands.ActiveRunsAsync"/>): the subject's running and
/// suspended runs of the flow, found through the index that holds active runs only.
/// </summary>
public sealed class ActiveRunsTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private const string FlowId = "active-runs";
    private const string Anna = "0193a5d0-0000-7000-8000-00000000a001";
    private const string Ben = "0193a5d0-0000-7000-8000-00000000b002";

    [Fact]
    public async Task TheSubjectsRunningAndSuspendedRuns_NotEndedOnes_NorOtherSubjectsOrFlows()
    {
        await SeedAsync();
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        using var sql = new FlowStoreCommands(db);

        var anna = await sql.ActiveRunsAsync(FlowId, Anna, CancellationToken.None);
        var nobody = await sql.ActiveRunsAsync(FlowId, null, CancellationToken.None);

        Assert.Equal(["anna-running", "anna-suspended"], anna.Select(run => run.Id).Order());
        Assert.Equal(["nobody-running"], nobody.Select(run => run.Id));
        Assert.Empty(await sql.ActiveRunsAsync("another-flow", Ben, CancellationToken.None));
    }

    [Fact]
    public async Task TheCheck_GoesThroughTheActiveRunsIndex_NotAScanOfEveryRunKept()
    {
        await SeedAsync();
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        using var sql = new FlowStoreCommands(db);
        await sql.ActiveRunsAsync(FlowId, Anna, CancellationToken.None);
        var text = Assert.Single(sql.Texts, t => t.Contains("FROM \"FlowInstances\"", StringComparison.Ordinal));

        var plan = await QueryPlans.PlanAsync(db, text);

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_FlowInstances_FlowId_SubjectId", StringComparison.Ordinal));
    }

    private async Task SeedAsync()
    {
        await using var db = database.CreateContext();
        if (await db.FlowInstances.AnyAsync(i => i.FlowId == FlowId))
        {
            return;
        }

        db.FlowInstances.AddRange(
            Run("anna-running", Anna, FlowStatus.Running),
            Run("anna-suspended", Anna, FlowStatus.Suspended),
            Run("anna-finished", Anna, FlowStatus.Finished),
            Run("anna-faulted", Anna, FlowStatus.Faulted),
            Run("anna-cancelled", Anna, FlowStatus.Cancelled),
            Run("ben-running", Ben, FlowStatus.Running),
            Run("nobody-running", null, FlowStatus.Running),
            Run("nobody-finished", null, FlowStatus.Finished));
        await db.SaveChangesAsync();
    }

    private static FlowInstanceRecord Run(string id, string? subjectId, FlowStatus status) => new()
    {
        Id = id,
        FlowId = FlowId,
        Version = 1,
        SubjectId = subjectId,
        Status = status,
        TriggerEventId = $"event-{id}",
        Snapshot = "{}",
        CreatedAt = DateTime.UtcNow,
        UpdatedAt = DateTime.UtcNow,
    };
}
