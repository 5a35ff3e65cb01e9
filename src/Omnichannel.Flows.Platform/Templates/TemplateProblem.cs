namespace Omnichannel.Flows.Platform.Templates;

public enum TemplateProblemKind
{
    /// <summary>A value is not allowed; <see cref="TemplateProblem.Where"/> names the field or JSON pointer.</summary>
    Invalid,

    /// <summary>The thing exists already (a name in use).</summary>
    Conflict,

    /// <summary>The WhatsApp channel has no business account to talk to (sandbox, disabled, not configured).</summary>
    NoBusinessAccount,

    /// <summary>Meta refused the request; <see cref="TemplateProblem.Code"/> is its error code.</summary>
    MetaRefused,

    /// <summary>Meta could not be reached, failed, or answered something we cannot use.</summary>
    MetaFailed,

    NotFound,
}

/// <summary>Why a template or saved-reply change was not made, and where. The API turns it into problem+json.</summary>
public sealed record TemplateProblem(TemplateProblemKind Kind, string Message, string? Where = null, string? Code = null)
{
    public static TemplateProblem Invalid(string where, string message) => new(TemplateProblemKind.Invalid, message, where);

    /// <param name="refusedIsFinal">Whether Meta refusing is the caller's doing (a submitted template) rather than a failure of ours (a sync).</param>
    public static TemplateProblem FromGraph(GraphFailure failure, bool refusedIsFinal) =>
        new(failure.Refused && refusedIsFinal ? TemplateProblemKind.MetaRefused : TemplateProblemKind.MetaFailed, failure.Message, Code: failure.Code);
}
