using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>Stores instants as UTC and marks them <see cref="DateTimeKind.Utc"/> when read back.</summary>
public sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    value => value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value,
    value => DateTime.SpecifyKind(value, DateTimeKind.Utc));
