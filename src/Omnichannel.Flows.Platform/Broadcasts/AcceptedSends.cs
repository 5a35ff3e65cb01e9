using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Broadcasts;

/// <summary>
/// Records the provider's acceptance of many broadcast messages in one command: per message its provider id (kept if a
/// status webhook set it first) and status sent — unless a webhook already moved it on (forward only, as
/// <see cref="DeliveryStatusProgression"/>). This is the hot path of a broadcast (a thousand rows a second), so it is
/// one SQL statement per message in a single command instead of loading and tracking each message; the SQL is built
/// from the EF model's table and column names with the provider's quoting, and values travel as parameters.
/// </summary>
internal static class AcceptedSends
{
    private const int PerCommand = 100;

    public static async Task RecordAsync(FlowsDbContext db, IReadOnlyList<AcceptedSend> sends, DateTime now, CancellationToken cancellationToken)
    {
        var sql = db.GetService<ISqlGenerationHelper>();
        var entity = db.Model.FindEntityType(typeof(Message))!;
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        string Column(string property) => sql.DelimitIdentifier(entity.FindProperty(property)!.GetColumnName(table)!);
        var (id, externalId, status, statusAt, sandbox, nextAttemptAt, channel, emailMessageId) = (Column(nameof(Message.Id)), Column(nameof(Message.ExternalId)),
            Column(nameof(Message.Status)), Column(nameof(Message.StatusAt)), Column(nameof(Message.IsSandbox)), Column(nameof(Message.NextAttemptAt)),
            Column(nameof(Message.Channel)), Column(nameof(Message.EmailMessageId)));
        var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        // The states a send's answer may still move to sent (a status webhook may have moved it further meanwhile).
        var movable = $"{status} IN ('{DeliveryStatus.Queued}', '{DeliveryStatus.Sending}', '{DeliveryStatus.Unknown}')";

        foreach (var chunk in sends.Chunk(PerCommand))
        {
            var text = new StringBuilder();
            var values = new List<object>(chunk.Length * 4);
            foreach (var send in chunk)
            {
                var at = values.Count;
                values.AddRange([send.Id, now, send.Sandbox]);
                text.Append(FormattableString.Invariant(
                    $"UPDATE {tableName} SET {status} = CASE WHEN {movable} THEN '{DeliveryStatus.Sent}' ELSE {status} END, ")).Append(FormattableString.Invariant(
                    $"{statusAt} = CASE WHEN {movable} THEN {{{at + 1}}} ELSE {statusAt} END, {sandbox} = {{{at + 2}}}, {nextAttemptAt} = NULL"));
                if (send.ExternalId is { } provided)
                {
                    values.Add(provided);
                    text.Append(FormattableString.Invariant($", {externalId} = COALESCE({externalId}, {{{at + 3}}})"))
                        .Append(FormattableString.Invariant($", {emailMessageId} = CASE WHEN {channel} = '{ChannelKind.Email}' THEN COALESCE({emailMessageId}, {{{at + 3}}}) ELSE {emailMessageId} END"));
                }

                text.Append(FormattableString.Invariant($" WHERE {id} = {{{at}}};\n"));
            }

            await db.Database.ExecuteSqlRawAsync(text.ToString(), values, cancellationToken);
        }
    }
}

/// <param name="ExternalId">The provider's id; null when another message already holds it (it is not taken twice).</param>
internal sealed record AcceptedSend(Guid Id, string? ExternalId, bool Sandbox);
