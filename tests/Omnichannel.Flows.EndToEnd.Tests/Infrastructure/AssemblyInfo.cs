using Omnichannel.Flows.EndToEnd.Tests.Infrastructure;

// One app and one chromium for every test; tests run one at a time (a browser per core is more than 2 cores can give).
[assembly: AssemblyFixture(typeof(EndToEndHost))]
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
[assembly: CaptureConsole]
