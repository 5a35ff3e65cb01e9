using System.Reflection;
using System.Text.Json;
using Omnichannel.Flows.Platform.Data;

namespace Omnichannel.Flows.Platform.Tests;

/// <summary>appsettings.example.json shows every setting the app binds, so an admin never has to read code to find one.</summary>
public sealed class AppSettingsExampleTests
{
    [Fact]
    public void Example_ListsEveryBoundSetting()
    {
        var example = JsonDocument.Parse(File.ReadAllText(FindExample()), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip }).RootElement;
        var optionTypes = typeof(FlowsDbContext).Assembly.GetTypes()
            .Select(t => (Type: t, Section: t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string))
            .Where(t => t.Section is not null && t.Type.Name.EndsWith("Options", StringComparison.Ordinal))
            .ToList();

        var missing = optionTypes.SelectMany(o => Keys(o.Type, o.Section!)).Where(key => !Has(example, key)).ToList();

        Assert.True(optionTypes.Count >= 14, $"Found only {optionTypes.Count} options classes; did the convention change?");
        Assert.True(missing.Count == 0, "appsettings.example.json lacks: " + string.Join(", ", missing));
    }

    private static IEnumerable<string> Keys(Type type, string prefix)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            var key = $"{prefix}:{property.Name}";
            var propertyType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (propertyType.IsClass && propertyType != typeof(string) && !propertyType.IsArray)
            {
                foreach (var nested in Keys(propertyType, key))
                {
                    yield return nested;
                }
            }
            else
            {
                yield return key;
            }
        }
    }

    private static bool Has(JsonElement root, string key)
    {
        var current = root;
        foreach (var part in key.Split(':'))
        {
            if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(part, out current))
            {
                return false;
            }
        }

        return true;
    }

    private static string FindExample()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "appsettings.example.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("appsettings.example.json not found above the test output folder.");
    }
}
