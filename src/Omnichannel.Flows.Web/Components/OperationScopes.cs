namespace Omnichannel.Flows.Web.Components;

/// <summary>
/// Runs one UI operation in its own DI scope, so it gets its own <c>FlowsDbContext</c> and <c>UserManager</c>: a Blazor Server circuit lives as
/// long as the browser tab, far too long for one context (stale tracked entities, no concurrent use).
/// </summary>
public sealed class OperationScopes(IServiceScopeFactory scopes)
{
    public async Task<TResult> RunAsync<TService, TResult>(Func<TService, Task<TResult>> operation) where TService : notnull
    {
        await using var scope = scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>For an operation that needs several services of one scope.</summary>
    public async Task<TResult> RunAsync<TResult>(Func<IServiceProvider, Task<TResult>> operation)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await operation(scope.ServiceProvider);
    }
}
