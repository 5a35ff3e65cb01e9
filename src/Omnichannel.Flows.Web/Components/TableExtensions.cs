using MudBlazor;

namespace Omnichannel.Flows.Web.Components;

public static class TableExtensions
{
    /// <summary>After a filter changed: back to the first page, which reads the data again (reloads in place when already there).</summary>
    public static async Task ReloadFromFirstPageAsync<T>(this MudTable<T> table)
    {
        if (table.CurrentPage > 0)
        {
            table.NavigateTo(0);
        }
        else
        {
            await table.ReloadServerData();
        }
    }
}
