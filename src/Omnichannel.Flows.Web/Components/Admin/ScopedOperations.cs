namespace Omnichannel.Flows.Web.Components.Admin;

/// <summary>
/// Runs one operation in its own DI scope. A circuit lives as long as the admin keeps the tab open, so the scoped
/// services behind an operation (UserManager, the DbContext) must not live with it.
/// </summary>
public sealed class ScopedOperations(IServiceScopeFactory scopes)
{
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> operation)
        where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }
}
