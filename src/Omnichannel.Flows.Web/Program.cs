using Omnichannel.Flows.Platform.Auth;
using Omnichannel.Flows.Platform.Automation;
using Omnichannel.Flows.Platform.Broadcasts;
using Omnichannel.Flows.Platform.Channels;
using Omnichannel.Flows.Platform.Consent;
using Omnichannel.Flows.Platform.Contacts;
using Omnichannel.Flows.Platform.Conversations;
using Omnichannel.Flows.Platform.Data;
using Omnichannel.Flows.Platform.Jobs;
using Omnichannel.Flows.Platform.Pricing;
using Omnichannel.Flows.Platform.ServiceWindows;
using Omnichannel.Flows.Platform.Templates;
using Omnichannel.Flows.Platform.Simulator;
using Omnichannel.Flows.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.AddFlowsObservability();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddFlowsData(builder.Configuration, builder.Environment);
builder.Services.AddFlowsAuth();
builder.Services.AddFlowsJobs(builder.Configuration);
builder.Services.AddContacts();
builder.Services.AddConversations();
builder.Services.AddChannels();
builder.Services.AddTemplates();
builder.Services.AddServiceWindowsAndPricing();
builder.Services.AddBroadcasts();
builder.Services.AddConsent();
builder.Services.AddAutomation();
builder.Services.AddSimulator();
builder.Services.AddFlowsApi();
builder.Services.AddFlowsUi(builder.Configuration);
builder.Services.AddStartupWarmUp();

var app = builder.Build();
if (FlowsCommandLine.Matches(args))
{
    return await FlowsCommandLine.RunAsync(app, args);
}

app.UseFlowsPipeline();
app.MapFlowsHealthChecks();
app.MapFlowsApiDocs();
app.MapAuthApi();
app.MapChannelWebhooks();

var api = app.MapGroup("").RequireAuthorization();
api.MapContactsApi();
api.MapConversationsApi();
api.MapConsentApi();
api.MapChannelsApi();
api.MapContactChannelsApi();
api.MapPricingApi();
api.MapBroadcastsApi();
api.MapUsersApi();
api.MapTemplatesApi();
api.MapAutomationApi();

app.MapJobsDashboard();
app.MapFlowsUi();

app.Run();
return 0;

/// <summary>The host; tests start it with WebApplicationFactory.</summary>
public partial class Program;
