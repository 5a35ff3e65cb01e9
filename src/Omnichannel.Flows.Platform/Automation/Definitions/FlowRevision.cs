using System.Security.Cryptography;
using System.Text;

namespace Omnichannel.Flows.Platform.Automation.Definitions;

/// <summary>
/// Which state of a flow an editor's change is based on: its latest version's number and document (a hash of it). It is
/// the <c>ETag</c> of <c>GET /api/flows/{id}</c> and of every save's answer; a save or publish sent with <c>If-Match</c>
/// set to it is refused while another save changed the flow in between, so two editors never overwrite each other
/// unseen. Publishing does not change it: an edit based on a draft that was published since becomes the next draft.
/// </summary>
public static class FlowRevision
{
    /// <summary>The revision of a flow whose latest version is <paramref name="version"/> holding <paramref name="json"/>, as an entity tag.</summary>
    public static string Of(int version, string json)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(json), hash);
        return $"\"{version}-{Convert.ToHexStringLower(hash[..8])}\"";
    }

    public static string Of(FlowVersion latest) => Of(latest.Version, latest.Json);

    /// <summary>
    /// Whether an <c>If-Match</c> value allows changing a flow at <paramref name="current"/>: no value, <c>*</c>, or one of
    /// its (comma-separated) tags equal to it (strong comparison: a weak tag never matches).
    /// </summary>
    public static bool Allows(string? ifMatch, string current) =>
        string.IsNullOrWhiteSpace(ifMatch)
        || ifMatch.Trim() == "*"
        || ifMatch.Split(',').Any(tag => string.Equals(tag.Trim(), current, StringComparison.Ordinal));
}
