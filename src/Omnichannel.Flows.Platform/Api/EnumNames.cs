using System.Text.Json;

namespace Omnichannel.Flows.Platform.Api;

/// <summary>Enum values as the API spells them (camelCase out, any case in), by name only.</summary>
public static class EnumNames
{
    /// <summary>
    /// <paramref name="value"/> as a name of <typeparamref name="TEnum"/>, whatever its case. Letters only:
    /// <c>Enum.TryParse</c> alone would also take numbers ("3") and lists ("a,b").
    /// </summary>
    public static bool TryParse<TEnum>(string? value, out TEnum result) where TEnum : struct, Enum
    {
        result = default;
        return value is { Length: > 0 } && value.All(char.IsAsciiLetter) && Enum.TryParse(value, ignoreCase: true, out result);
    }

    /// <summary>The names a field of <typeparamref name="TEnum"/> takes, as the API writes them: "a, b or c".</summary>
    public static string Choices<TEnum>() where TEnum : struct, Enum
    {
        var names = Enum.GetNames<TEnum>().Select(JsonNamingPolicy.CamelCase.ConvertName).ToList();
        return names.Count == 1 ? names[0] : $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }
}
