namespace Omnichannel.Flows.Platform.Api;

/// <summary>
/// Why a change someone asked for was not made: the thing does not exist (<see cref="NotFound"/>), or a value is not
/// allowed and <see cref="Field"/> says which. The API turns it into problem+json, the UI shows <see cref="Problem"/>.
/// </summary>
public sealed record Refusal(bool NotFound, string Problem, string? Field)
{
    public static Refusal Missing(string problem) => new(true, problem, null);

    public static Refusal Invalid(string field, string problem) => new(false, problem, field);
}
