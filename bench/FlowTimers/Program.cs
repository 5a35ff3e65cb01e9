using Omnichannel.Flows.Bench.FlowTimers;
using Omnichannel.Flows.Bench.LoadGen;

// The pending-timers benchmark's driver and checker; bench/flow-timers.sh runs it. Commands:
//   counter   --port P --out arrivals.tsv                    the endpoint the flow calls (POST /hit/{batch}), records every arrival
//   template  --url http://127.0.0.1:P --email E --password P --counter http://127.0.0.1:C --out template.json
//   seed      --db omnichannel.db --template template.json --pending 1000000 --due 10000 --lead-seconds 90 --gap-seconds 90 --out seeded.json
//   wait      --counter http://127.0.0.1:C --batch a --count 10000 --timeout-seconds 600
//   report    --db … --arrivals arrivals.tsv --seeded seeded.json --timeline timeline.txt --out results.md [--command … --commit … --sdk …]
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: FlowTimers counter|template|seed|wait|report --name value … (see bench/README.md)");
    return 2;
}

var arguments = Arguments.Parse(args.Skip(1));
return args[0] switch
{
    "counter" => await CounterCommand.ExecuteAsync(arguments),
    "template" => await TemplateCommand.ExecuteAsync(arguments),
    "seed" => await SeedCommand.ExecuteAsync(arguments),
    "wait" => await WaitCommand.ExecuteAsync(arguments),
    "report" => await ReportCommand.ExecuteAsync(arguments),
    _ => throw new ArgumentException($"Unknown command '{args[0]}'."),
};
