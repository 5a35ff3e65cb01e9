using Omnichannel.Flows.Bench.BroadcastBench;
using Omnichannel.Flows.Bench.LoadGen;

// The broadcast benchmark's driver and checker; bench/broadcast.sh runs it. Commands:
//   seed       --db omnichannel.db --contacts 100000 --tag bench --template bench_order_update
//   start      --url http://127.0.0.1:P --email E --password P --tag bench --template NAME --out run.json
//   wait-fake  --fake http://127.0.0.1:F --accepted 50000 --timeout-seconds 600
//   wait-done  --url … --email … --password … --run run.json --timeout-seconds 900
//   report     --db … --fake … --run run.json --out results.md [--command … --commit … --sdk …]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: BroadcastBench seed|start|wait-fake|wait-done|report --name value … (see bench/README.md)");
    return 2;
}

var arguments = Arguments.Parse(args.Skip(1));
return args[0] switch
{
    "seed" => await SeedCommand.ExecuteAsync(arguments),
    "start" => await StartCommand.ExecuteAsync(arguments),
    "wait-fake" => await WaitCommands.FakeAsync(arguments),
    "wait-done" => await WaitCommands.DoneAsync(arguments),
    "report" => await ReportCommand.ExecuteAsync(arguments),
    _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
};
