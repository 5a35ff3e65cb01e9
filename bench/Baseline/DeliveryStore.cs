using Microsoft.Data.Sqlite;

namespace Omnichannel.Flows.Bench.Baseline;

/// <summary>
/// One row per delivery in its own SQLite file, in WAL mode like the app, with SQLite's default synchronous=FULL (each
/// commit syncs the WAL). One INSERT, in its own implicit transaction, per request.
/// </summary>
/// <remarks>
/// Writers are queued on an async lock: SQLite admits one writer at a time anyway, and Microsoft.Data.Sqlite answers
/// a busy database by blocking the thread for 150 ms before it retries, which would measure that back-off instead of
/// the database. Queuing is what a careful minimal endpoint does; it is not batching (every request commits alone).
/// </remarks>
internal sealed class DeliveryStore
{
    private readonly string connectionString;
    private readonly SemaphoreSlim writer = new(1, 1);

    private DeliveryStore(string connectionString) => this.connectionString = connectionString;

    public static DeliveryStore Open(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(file),
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS Deliveries (
                Id INTEGER PRIMARY KEY,
                ReceivedAt TEXT NOT NULL,
                Payload BLOB NOT NULL
            );
            """;
        command.ExecuteNonQuery();
        return new DeliveryStore(connectionString);
    }

    public async Task InsertAsync(byte[] payload, CancellationToken cancellationToken)
    {
        await writer.WaitAsync(cancellationToken);
        try
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO Deliveries (ReceivedAt, Payload) VALUES ($receivedAt, $payload)";
            command.Parameters.AddWithValue("$receivedAt", DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$payload", payload);
            command.ExecuteNonQuery();
        }
        finally
        {
            writer.Release();
        }
    }
}
