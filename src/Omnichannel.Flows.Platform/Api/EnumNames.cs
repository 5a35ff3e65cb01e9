using System.Text.Json;

namespace Omnichannel.Flows.Platform.Api;

/// <summary>Enum values as the API spells them (camelCase out, any case in), by name only.</summary>
public static class EnumNames
{
    /// <summary>
    /// <paramref name="value"/> as a name of <typeparamref name="TEnum"/>, whatever its case and the spaces around it.
    /// Letters only: <c>Enum.TryParse</c> alone would also take numbers ("3") and lists ("a,b").
    /// </summary>
    public static bool TryParse<TEnum>(string? value, out TEnum result) where TEnum : struct, Enum
    {
        result = default;
        var name = value.AsSpan().Trim();
        return !name.IsEmpty && !name.ContainsAnyExcept(AsciiLetters) && Enum.TryParse(name, ignoreCase: true, out result);
    }

    private static readonly System.Buffers.SearchValues<char> AsciiLetters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>The names a field of <typeparamref name="TEnum"/> takes, as the API writes them: "a, b or c".</summary>
    public static string Choices<TEnum>() where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>().Select(JsonNamingPolicy.CamelCase.ConvertName).ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }
}
