using Omnichannel.Flows.Bench.LoadGen;

// The ingest benchmark's load generator and checker; bench/ingest.sh drives it. Commands:
//   run     --label L --url http://127.0.0.1:P/webhooks/whatsapp --secret S --run-tag T --out run.json [--rates 250,500,…]
//   verify  --kind ours|baseline --run run.json --db file.db --out check.json
//   report  --baseline-run … --baseline-check … --ours-run … --ours-check … --out results.md
// and for bench/flow-exec.sh:
//   flow-verify --run run.json --db omnichannel.db --flow-id F --out check.json
//   flow-report --nodered-run … --ours-run … --ours-check … --out results.md
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: LoadGen run|verify|report|flow-verify|flow-report --name value … (see bench/README.md)");
    return 2;
}

var arguments = Arguments.Parse(args.Skip(1));
return args[0] switch
{
    "run" => await RunCommand.ExecuteAsync(arguments),
    "verify" => await VerifyCommand.ExecuteAsync(arguments),
    "report" => await ReportCommand.ExecuteAsync(arguments),
    "flow-verify" => await FlowVerifyCommand.ExecuteAsync(arguments),
    "flow-report" => await FlowReportCommand.ExecuteAsync(arguments),
    _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
};
