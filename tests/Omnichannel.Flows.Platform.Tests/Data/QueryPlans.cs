using Microsoft.EntityFrameworkCore;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>SQLite's plan for a query, step by step (<c>EXPLAIN QUERY PLAN</c>): tests check which index a query goes through.</summary>
internal static class QueryPlans
{
    /// <summary>The plan of <paramref name="query"/> as EF sends it (its parameter lines dropped: the plan does not depend on their values).</summary>
    public static Task<List<string>> PlanAsync(FlowsDbContext db, IQueryable query) => PlanAsync(db, query.ToQueryString());

    /// <summary>The plan of a statement's text (EF's, with its parameter lines, or a prepared command's).</summary>
    public static async Task<List<string>> PlanAsync(FlowsDbContext db, string query)
    {
        var sql = string.Join('\n', query.Split('\n').Where(line => !line.StartsWith(".param", StringComparison.Ordinal)));
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        await using var reader = await command.ExecuteReaderAsync();
        var steps = new List<string>();
        while (await reader.ReadAsync())
        {
            steps.Add(reader.GetString(3));
        }

        return steps;
    }
}
