using Omnichannel.Flows.Engine.Validation;

namespace Omnichannel.Flows.Web.Components.Flows;

/// <summary>What importing one flow file did: the version it saved, or why it saved nothing (each error at its JSON pointer).</summary>
public sealed record FlowImportResult(string FileName, string? FlowId, int? Version, bool Published, IReadOnlyList<FlowValidationError> Errors)
{
    public bool Saved => FlowId is not null;

    public static FlowImportResult Refused(string fileName, string message) =>
        new(fileName, null, null, false, [new FlowValidationError("", message)]);
}
