using System.Globalization;
using MudBlazor;
using Omnichannel.Flows.Platform.Templates;

namespace Omnichannel.Flows.Web.Components.Templates;

/// <summary>How template categories, statuses, quality and prices read and look wherever templates are shown.</summary>
public static class TemplateLabels
{
    public static string Name<TEnum>(TEnum value) where TEnum : struct, Enum => value.ToMeta().ToLowerInvariant().Replace('_', ' ');

    public static Color CategoryColor(TemplateCategory? category) => category switch
    {
        TemplateCategory.Marketing => Color.Secondary,
        TemplateCategory.Utility => Color.Info,
        TemplateCategory.Authentication => Color.Tertiary,
        _ => Color.Default,
    };

    /// <summary>Approved is good to send; pending waits for Meta; rejected, paused and disabled cannot be sent.</summary>
    public static Color StatusColor(TemplateStatus? status) => status switch
    {
        TemplateStatus.Approved => Color.Success,
        TemplateStatus.Pending or TemplateStatus.InAppeal => Color.Warning,
        TemplateStatus.Rejected or TemplateStatus.Disabled => Color.Error,
        TemplateStatus.Paused => Color.Warning,
        _ => Color.Default,
    };

    public static Color QualityColor(TemplateQuality? quality) => quality switch
    {
        TemplateQuality.Green => Color.Success,
        TemplateQuality.Yellow => Color.Warning,
        TemplateQuality.Red => Color.Error,
        _ => Color.Default,
    };

    /// <summary>A price as people read it: "0.055 USD"; "free" when nothing is charged.</summary>
    public static string Price(decimal amount, string currency) =>
        amount == 0 ? "free" : string.Create(CultureInfo.InvariantCulture, $"{amount:0.00##} {currency}");

    public static string Time(DateTime? at) => at is { } value ? value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "—";
}
