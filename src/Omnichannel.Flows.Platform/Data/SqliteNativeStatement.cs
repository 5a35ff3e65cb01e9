using System.Collections.Concurrent;
using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace Omnichannel.Flows.Platform.Data;

/// <summary>
/// A write statement (insert, update, delete) prepared once on a SQLite connection and executed again and again with
/// its values bound by position, straight through SQLite's C API. Microsoft.Data.Sqlite looks every parameter up by
/// name, converts the name and text values to UTF-8 in fresh arrays and reads its results through a data reader on
/// each execution: in the flow store's writer, the one thread every commit waits on, that was a quarter of its time.
/// Values bind as Microsoft.Data.Sqlite binds them (the same storage class and text for each CLR type, after the EF
/// model's value converter), so rows are the same whichever path wrote them; a parameter of a type not listed here
/// makes <see cref="TryPrepare"/> say no, and the caller keeps the ADO.NET command.
/// </summary>
internal sealed class SqliteNativeStatement : IDisposable
{
    /// <summary>How Microsoft.Data.Sqlite writes a <see cref="DateTime"/> as text.</summary>
    internal const string DateTimeText = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFF";

    /// <summary>The longest <see cref="DateTimeText"/>: 19 characters to the second, a point and seven digits.</summary>
    internal const int MaxDateTimeText = 27;

    private readonly sqlite3 handle;
    private readonly sqlite3_stmt statement;
    private readonly Parameter[] parameters;
    private byte[] text = new byte[256];

    private SqliteNativeStatement(sqlite3 handle, sqlite3_stmt statement, Parameter[] parameters)
    {
        this.handle = handle;
        this.statement = statement;
        this.parameters = parameters;
    }

    /// <summary>The connection handle the statement was prepared on: a reopened connection has another.</summary>
    public sqlite3 Handle => handle;

    /// <summary>
    /// Prepares <paramref name="sql"/> on <paramref name="connection"/> (open, SQLite) with parameters named
    /// <paramref name="names"/> whose values convert and bind by <paramref name="mappings"/>; null when the connection is
    /// not SQLite or a parameter's stored type is not one this class binds.
    /// </summary>
    public static SqliteNativeStatement? TryPrepare(DbConnection connection, string sql, IReadOnlyList<string> names, IReadOnlyList<RelationalTypeMapping> mappings)
    {
        if (connection is not SqliteConnection { Handle: { } handle })
        {
            return null;
        }

        var parameters = new Parameter[names.Count];
        for (var i = 0; i < parameters.Length; i++)
        {
            if (Parameter.For(mappings[i]) is not { } parameter)
            {
                return null;
            }

            parameters[i] = parameter;
        }

        var rc = raw.sqlite3_prepare_v2(handle, sql, out var statement, out var rest);
        if (rc != raw.SQLITE_OK || statement is null)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, handle);
            throw new InvalidOperationException($"SQLite prepared nothing from: {sql}");
        }

        if (!string.IsNullOrWhiteSpace(rest))
        {
            // One statement at a time here; Microsoft.Data.Sqlite runs a batch.
            statement.Dispose();
            return null;
        }

        var distinct = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < parameters.Length; i++)
        {
            var index = raw.sqlite3_bind_parameter_index(statement, names[i]);
            if (index == 0)
            {
                statement.Dispose();
                throw new InvalidOperationException($"The statement has no parameter {names[i]}: {sql}");
            }

            parameters[i] = parameters[i] with { Index = index };
            distinct.Add(names[i]);
        }

        if (raw.sqlite3_bind_parameter_count(statement) != distinct.Count)
        {
            statement.Dispose();
            throw new InvalidOperationException($"The statement has parameters no value is given for: {sql}");
        }

        return new SqliteNativeStatement(handle, statement, parameters);
    }

    /// <summary>Binds <paramref name="values"/> (model values, in parameter order) and runs the statement; returns the rows it changed.</summary>
    public int Execute(IReadOnlyList<object?> values)
    {
        try
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                Check(Bind(parameters[i], values[i]));
            }

            int rc;
            while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
            {
            }

            Check(rc);
            return raw.sqlite3_changes(handle);
        }
        finally
        {
            raw.sqlite3_reset(statement);
        }
    }

    public void Dispose() => statement.Dispose();

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE))
        {
            SqliteException.ThrowExceptionForRC(rc, handle);
        }
    }

    private int Bind(Parameter parameter, object? value)
    {
        if (parameter.Converter is { } converter && value is not null)
        {
            value = converter.ConvertToProvider(value);
        }

        var index = parameter.Index;
        switch (value)
        {
            case null or DBNull:
                return raw.sqlite3_bind_null(statement, index);
            case string s:
                return BindText(index, parameter.Size is { } size && s.Length > size ? s.AsSpan(0, size) : s);
            case DateTime dateTime:
                var buffer = Buffer(MaxDateTimeText);
                return raw.sqlite3_bind_text(statement, index, buffer[..WriteDateTimeText(dateTime, buffer)]);
            case Guid guid when parameter.GuidAsBlob:
                return raw.sqlite3_bind_blob(statement, index, guid.ToByteArray());
            case Guid guid:
                var digits = Buffer(36);
                guid.TryFormat(digits, out var length);
                Ascii.ToUpperInPlace(digits[..length], out _);
                return raw.sqlite3_bind_text(statement, index, digits[..length]);
            case byte[] bytes:
                return raw.sqlite3_bind_blob(statement, index, parameter.Size is { } most && bytes.Length > most ? bytes.AsSpan(0, most) : bytes);
            case bool flag:
                return raw.sqlite3_bind_int64(statement, index, flag ? 1 : 0);
            case double number:
                return double.IsNaN(number)
                    ? throw new InvalidOperationException("Cannot store 'NaN' values.")
                    : raw.sqlite3_bind_double(statement, index, number);
            case float number:
                return float.IsNaN(number)
                    ? throw new InvalidOperationException("Cannot store 'NaN' values.")
                    : raw.sqlite3_bind_double(statement, index, number);
            case long number:
                return raw.sqlite3_bind_int64(statement, index, number);
            case int number:
                return raw.sqlite3_bind_int64(statement, index, number);
            case short or ushort or byte or sbyte or uint:
                return raw.sqlite3_bind_int64(statement, index, Convert.ToInt64(value, CultureInfo.InvariantCulture));
            case ulong number:
                return raw.sqlite3_bind_int64(statement, index, unchecked((long)number));
            case Enum:
                return Bind(parameter with { Converter = null }, Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()), CultureInfo.InvariantCulture));
            default:
                throw new InvalidOperationException($"A value of type {value.GetType().Name} cannot be bound here.");
        }
    }

    /// <summary>
    /// Writes <paramref name="value"/> as UTF-8 text exactly as <see cref="DateTimeText"/> formats it (the fraction of a
    /// second to seven digits without trailing zeros, and no point for a whole second); returns the bytes written. Every
    /// run update and journal row binds dates, and .NET's custom-format path (parse the pattern, then format field by
    /// field) was about a tenth of the flow store writer's time.
    /// </summary>
    internal static int WriteDateTimeText(DateTime value, Span<byte> utf8)
    {
        value.Deconstruct(out int year, out int month, out int day);
        var ticks = value.Ticks % TimeSpan.TicksPerDay;
        Digits(utf8[..4], year);
        utf8[4] = (byte)'-';
        Digits(utf8.Slice(5, 2), month);
        utf8[7] = (byte)'-';
        Digits(utf8.Slice(8, 2), day);
        utf8[10] = (byte)' ';
        Digits(utf8.Slice(11, 2), (int)(ticks / TimeSpan.TicksPerHour));
        utf8[13] = (byte)':';
        Digits(utf8.Slice(14, 2), (int)(ticks / TimeSpan.TicksPerMinute % 60));
        utf8[16] = (byte)':';
        Digits(utf8.Slice(17, 2), (int)(ticks / TimeSpan.TicksPerSecond % 60));
        var fraction = (int)(ticks % TimeSpan.TicksPerSecond);
        if (fraction == 0)
        {
            return 19;
        }

        utf8[19] = (byte)'.';
        var length = 7;
        while (fraction % 10 == 0)
        {
            fraction /= 10;
            length--;
        }

        Digits(utf8.Slice(20, length), fraction);
        return 20 + length;

        static void Digits(Span<byte> into, int number)
        {
            for (var i = into.Length - 1; i >= 0; i--, number /= 10)
            {
                into[i] = (byte)('0' + number % 10);
            }
        }
    }

    private int BindText(int index, ReadOnlySpan<char> value)
    {
        var bytes = Buffer(Encoding.UTF8.GetMaxByteCount(value.Length));
        var written = Encoding.UTF8.GetBytes(value, bytes);
        return raw.sqlite3_bind_text(statement, index, bytes[..written]);
    }

    private Span<byte> Buffer(int length)
    {
        if (text.Length < length)
        {
            text = new byte[Math.Max(length, text.Length * 2)];
        }

        return text;
    }

    /// <summary>How one parameter binds: its position in the statement, its model converter, and the facets that change its bytes.</summary>
    private sealed record Parameter(Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter, int? Size, bool GuidAsBlob)
    {
        public int Index { get; init; }

        /// <summary>
        /// What each of the model's mappings binds as, worked out once: a multi-row insert repeats its row's mappings in every
        /// row, and the inbound slices prepare their statements again for every slice they save.
        /// </summary>
        private static readonly ConcurrentDictionary<RelationalTypeMapping, Parameter?> ByMapping = new(ReferenceEqualityComparer.Instance);

        /// <summary>The stored types whose binding this class repeats exactly; any other (a date with a time zone, a decimal…) says no.</summary>
        private static readonly HashSet<Type> Bound =
        [
            typeof(string), typeof(DateTime), typeof(Guid), typeof(byte[]), typeof(bool), typeof(double), typeof(float),
            typeof(byte), typeof(sbyte), typeof(short), typeof(ushort), typeof(int), typeof(uint), typeof(long), typeof(ulong),
        ];

        public static Parameter? For(RelationalTypeMapping mapping) => ByMapping.GetOrAdd(mapping, Probe);

        private static Parameter? Probe(RelationalTypeMapping mapping)
        {
            var stored = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            stored = Nullable.GetUnderlyingType(stored) ?? stored;
            stored = stored.IsEnum ? Enum.GetUnderlyingType(stored) : stored;
            if (!Bound.Contains(stored))
            {
                return null;
            }

            // What the mapping tells Microsoft.Data.Sqlite beyond the value (a storage class set through DbType changes how a
            // date or a Guid is written; a size cuts texts): asked of a parameter the mapping configures, holding an empty
            // stored value, whose own length is 0 and whose own storage class is the one the type implies.
            using var probe = new SqliteCommand();
            var model = Nullable.GetUnderlyingType(mapping.ClrType) ?? mapping.ClrType;
            var configured = (SqliteParameter)mapping.CreateParameter(probe, "@probe", model.IsValueType ? Activator.CreateInstance(model) : null);
            configured.Value = stored == typeof(string) ? "" : stored == typeof(byte[]) ? Array.Empty<byte>() : Activator.CreateInstance(stored);
            if (stored == typeof(DateTime) && configured.SqliteType == SqliteType.Real)
            {
                return null;
            }

            var size = configured.Size;
            return new Parameter(mapping.Converter, size > 0 ? size : null, configured.SqliteType == SqliteType.Blob);
        }
    }
}
