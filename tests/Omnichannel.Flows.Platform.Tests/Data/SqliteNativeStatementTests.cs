using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Automation.Store;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests.Data;

/// <summary>
/// The hot writes bind their values straight through SQLite's C API: the rows they store must be byte for byte the rows
/// EF Core (through Microsoft.Data.Sqlite) stores from the same entities.
/// </summary>
public sealed class SqliteNativeStatementTests(TestDatabase database) : IClassFixture<TestDatabase>
{
    private static readonly DateTime Now = new(2026, 11, 26, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>Every entity type the app writes with <see cref="PreparedCommands"/>.</summary>
    public static TheoryData<Type> WrittenPlainly =>
    [
        typeof(FlowInstanceRecord), typeof(FlowBookmarkRecord), typeof(FlowJournalRecord), typeof(FlowTriggerEventRecord),
        typeof(Message), typeof(AutomationEvent), typeof(ChannelIdentity), typeof(Conversation),
    ];

    [Theory]
    [MemberData(nameof(WrittenPlainly))]
    public async Task Insert_StoresEveryColumnAsEfCoreDoes_TypeTextAndLength(Type type)
    {
        await using var reference = new TestDatabase();
        await reference.InitializeAsync();
        List<object> rows;
        await using (var db = reference.CreateContext())
        {
            rows = Rows(db.Model.FindEntityType(type)!);
            await WithoutForeignKeysAsync(db);
            db.AddRange(rows);
            await db.SaveChangesAsync();
        }

        await using var native = new TestDatabase();
        await native.InitializeAsync();
        await using (var db = native.CreateContext())
        {
            await WithoutForeignKeysAsync(db);
            await using var transaction = await db.Database.BeginTransactionAsync();
            using var commands = new PreparedCommands(db);
            Assert.Equal(rows.Count, await commands.InsertAllAsync(rows, CancellationToken.None));
            Assert.Equal(commands.Texts, commands.NativeTexts);
            await transaction.CommitAsync();
        }

        Assert.Equal(await DumpAsync(reference, type), await DumpAsync(native, type));
    }

    [Fact]
    public async Task AFailedWrite_ThrowsSqlitesError_AndTheStatementRunsAgainAfterIt()
    {
        await using var db = database.CreateContext();
        await db.Database.OpenConnectionAsync();
        using var commands = new PreparedCommands(db);
        var first = new FlowTriggerEventRecord { FlowId = "flow-dup", EventId = $"event-{Guid.NewGuid():N}", SeenAt = Now };

        await commands.InsertAsync(first, CancellationToken.None);
        var duplicate = await Assert.ThrowsAsync<SqliteException>(() => commands.InsertAsync(first, CancellationToken.None));
        await commands.InsertAsync(new FlowTriggerEventRecord { FlowId = "flow-dup", EventId = $"event-{Guid.NewGuid():N}", SeenAt = Now }, CancellationToken.None);

        Assert.Equal(19, duplicate.SqliteErrorCode); // SQLITE_CONSTRAINT
        Assert.Equal(2, await db.FlowTriggerEvents.CountAsync(e => e.FlowId == "flow-dup"));
    }

    [Fact]
    public async Task AStatement_IsPreparedAgain_WhenItsConnectionWasClosedAndOpened()
    {
        await using var db = database.CreateContext();
        using var commands = new PreparedCommands(db);

        foreach (var round in Enumerable.Range(1, 2))
        {
            await db.Database.OpenConnectionAsync();
            await commands.InsertAsync(new FlowTriggerEventRecord { FlowId = "flow-reopen", EventId = $"event-{round}", SeenAt = Now }, CancellationToken.None);
            await db.Database.CloseConnectionAsync();
        }

        Assert.Equal(2, await db.FlowTriggerEvents.CountAsync(e => e.FlowId == "flow-reopen"));
    }

    [Fact]
    public void TryPrepare_SaysNo_ForAnotherDatabase_AStoredTypeItDoesNotBind_OrMoreThanOneStatement()
    {
        using var db = database.CreateContext();
        db.Database.OpenConnection();
        var mappings = db.GetService<IRelationalTypeMappingSource>();
        var text = mappings.FindMapping(typeof(string))!;

        Assert.Null(SqliteNativeStatement.TryPrepare(new SqlConnection(), "UPDATE x SET y = @p0", ["@p0"], [text]));
        Assert.Null(SqliteNativeStatement.TryPrepare(db.Database.GetDbConnection(), "SELECT @p0", ["@p0"], [mappings.FindMapping(typeof(DateTimeOffset))!]));
        Assert.Null(SqliteNativeStatement.TryPrepare(db.Database.GetDbConnection(), "SELECT @p0", ["@p0"], [mappings.FindMapping(typeof(decimal))!]));
        Assert.Null(SqliteNativeStatement.TryPrepare(db.Database.GetDbConnection(), "SELECT @p0; SELECT 1", ["@p0"], [text]));
        using var statement = SqliteNativeStatement.TryPrepare(db.Database.GetDbConnection(), "SELECT @p0;", ["@p0"], [text]);
        Assert.NotNull(statement);
    }

    [Fact]
    public void ADate_IsWrittenAsMicrosoftDataSqliteFormatsIt_ToTheTick()
    {
        var random = new Random(20261127);
        DateTime[] edges =
        [
            DateTime.MinValue, DateTime.MaxValue, new(1, 2, 3, 4, 5, 6, DateTimeKind.Utc), new(999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified),
            Now, Now.AddTicks(1), Now.AddTicks(10), Now.AddTicks(1_000_000), Now.AddTicks(9_999_999), Now.AddTicks(1_234_500), Now.AddMilliseconds(-1),
        ];
        var values = edges.Concat(Enumerable.Range(0, 10_000).Select(_ => new DateTime(random.NextInt64(DateTime.MaxValue.Ticks), DateTimeKind.Utc)));
        var buffer = new byte[SqliteNativeStatement.MaxDateTimeText];

        foreach (var value in values)
        {
            var written = SqliteNativeStatement.WriteDateTimeText(value, buffer);

            Assert.Equal(value.ToString(SqliteNativeStatement.DateTimeText, System.Globalization.CultureInfo.InvariantCulture),
                System.Text.Encoding.UTF8.GetString(buffer, 0, written));
        }
    }

    /// <summary>Rows of <paramref name="entity"/> with every column set: ordinary values, nulls, and edges (long and non-ASCII text, odd fractions of a second).</summary>
    private static List<object> Rows(IEntityType entity) =>
        [.. Enumerable.Range(0, 4).Select(row =>
        {
            var instance = Activator.CreateInstance(entity.ClrType)!;
            foreach (var property in entity.GetProperties())
            {
                property.PropertyInfo!.SetValue(instance, Value(property, row));
            }

            return instance;
        })];

    private static object? Value(IProperty property, int row)
    {
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (row == 3 && property.IsNullable)
        {
            return null;
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(row % values.Length);
        }

        var unique = $"{property.Name}-{row}-";
        return type switch
        {
            _ when type == typeof(string) => row switch
            {
                1 => unique + "Ünïcödé ✓ 🙂 «quoted» 'single' \"double\"",
                2 => unique + new string('x', (property.GetMaxLength() ?? 300) + 10),
                _ => unique + "plain",
            },
            _ when type == typeof(DateTime) => row switch
            {
                1 => Now.AddTicks(1_234_567),
                2 => DateTime.SpecifyKind(Now.AddTicks(10), DateTimeKind.Unspecified),
                _ => Now.AddSeconds(row),
            },
            _ when type == typeof(Guid) => Guid.NewGuid(),
            _ when type == typeof(long) => row == 2 ? long.MaxValue - row : row * 1_000L + 7,
            _ when type == typeof(int) => row == 2 ? int.MinValue + row : row * 10 + 3,
            _ when type == typeof(bool) => row % 2 == 0,
            _ => throw new InvalidOperationException($"Add a value of {type.Name} ({property.DeclaringType.DisplayName()}.{property.Name}) to this test."),
        };
    }

    private static async Task WithoutForeignKeysAsync(FlowsDbContext db)
    {
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA foreign_keys = OFF");
    }

    /// <summary>Every row of <paramref name="type"/>'s table, each column as SQLite quotes it (storage class and exact value), sorted.</summary>
    private static async Task<List<string>> DumpAsync(TestDatabase source, Type type)
    {
        await using var db = source.CreateContext();
        var entity = db.Model.FindEntityType(type)!;
        var columns = string.Join(" || '|' || ", entity.GetProperties().Select(p => $"quote(\"{p.GetColumnName()}\")"));
        await using var connection = new SqliteConnection($"Data Source={source.DataSource};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {columns} FROM \"{entity.GetTableName()}\"";
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        rows.Sort(StringComparer.Ordinal);
        return rows;
    }
}
