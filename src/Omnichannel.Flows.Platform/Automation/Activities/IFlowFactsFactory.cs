using Omnichannel.Flows.Engine.Expressions;

namespace Omnichannel.Flows.Platform.Automation.Activities;

/// <summary>
/// Makes the facts one runner call reads for a contact (<c>contact.*</c>, <c>conversation.*</c>, <c>window.*</c>,
/// <c>message.*</c>). Hosting calls it before every start, resume or retry and hands the result to the runner. Each
/// group of facts is read once per runner call, when a flow first reads it (a run that reads none costs no query), and
/// kept for the rest of that call; a change a step makes to a group already read shows from the next runner call on.
/// </summary>
public interface IFlowFactsFactory
{
    /// <param name="contactId">The instance's subject; null (or a contact that no longer exists) gives no facts.</param>
    Task<IFlowFacts> CreateAsync(Guid? contactId, CancellationToken cancellationToken);
}
