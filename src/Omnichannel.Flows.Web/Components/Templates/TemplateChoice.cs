using System.Text.Json;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Web.Components.Templates;

/// <summary>What was picked in a <see cref="TemplatePicker"/>: an approved template with a value for each placeholder, the text the customer will read and what it costs.</summary>
public sealed record TemplateChoice(
    string Name, string Language, TemplateCategory Category, IReadOnlyList<TemplateParameter> Parameters, string Text, CostView Cost)
{
    /// <summary>The values as <c>MessageSender.QueueTemplateAsync</c> takes them: an object by placeholder name (numbers too), none without placeholders.</summary>
    public JsonElement? ParametersJson() =>
        Parameters.Count == 0 ? null : JsonSerializer.SerializeToElement(Parameters.ToDictionary(p => p.Name, p => p.Text));

    /// <summary>The body with the values filled in; placeholders without a value stay as they are (a preview).</summary>
    public static string Render(string? body, IReadOnlyDictionary<string, string> values) =>
        TemplateParameters.Render(
            new MessageTemplate { Name = "", Language = "", BodyText = body ?? "" },
            [.. values.Where(v => !string.IsNullOrEmpty(v.Value)).Select(v => new TemplateParameter(v.Key, v.Value))]);
}
