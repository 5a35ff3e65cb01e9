namespace Omnichannel.Flows.Web.Hosting;

public static class StartupWarmUpExtensions
{
    /// <summary>The app sends itself a few hundred requests once started (<see cref="StartupWarmUp"/>), as configured.</summary>
    public static IServiceCollection AddStartupWarmUp(this IServiceCollection services)
    {
        services.AddOptions<StartupWarmUpOptions>().BindConfiguration(StartupWarmUpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddHttpClient(StartupWarmUp.ClientName);
        services.AddSingleton<StartupWarmUp>();
        services.AddHostedService(sp => sp.GetRequiredService<StartupWarmUp>());
        return services;
    }
}
