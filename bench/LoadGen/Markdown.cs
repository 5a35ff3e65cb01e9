using System.Text;

namespace Omnichannel.Flows.Bench.LoadGen;

/// <summary>A results file being written: lines and table rows.</summary>
internal sealed class Markdown
{
    private readonly StringBuilder text = new();

    public void Line(string line = "") => text.Append(line).Append('\n');

    public void Row(params string[] cells) => Line("| " + string.Join(" | ", cells) + " |");

    public override string ToString() => text.ToString();
}
