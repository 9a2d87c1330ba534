using Dinh.Bench;

// `dinh-bench <verb>`: one verb per benchmark; each prints its figures and ratios against a peer in the same run.
return args switch
{
    ["audit", .. var rest] when AuditAppendSettings.TryParse(rest, out var settings) => await AuditAppendBenchmark.RunAsync(settings),
    ["parse-file", var file] => await ParseFile.RunAsync(file),
    ["exchange-key", var pem, var jwk] => ExchangeKeys.WriteKey(pem, jwk),
    ["exchange-assertion", var issuer, var clientId, var pem] => ExchangeKeys.PrintAssertion(issuer, clientId, pem),
    ["minimal-lookup", var connectionString, var url] => await MinimalLookup.RunAsync(connectionString, url),
    ["citizen-file", var rows, var path] when int.TryParse(rows, out var count) && count > 0 => CitizenFile.Generate(count, path) > 0 ? 0 : 1,
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Dinh.Bench audit --postgres <connection string> [--seconds 10] [--writers 32]");
    Console.Error.WriteLine("       Dinh.Bench citizen-file <rows> <path>");
    Console.Error.WriteLine("       Dinh.Bench minimal-lookup <PostgreSQL connection string> <url>   (a peer for run-lookup.sh; serves until stopped)");
    Console.Error.WriteLine("       Dinh.Bench exchange-key <private.pem> <public.jwk> | exchange-assertion <issuer> <client_id> <private.pem>");
    return 2;
}
