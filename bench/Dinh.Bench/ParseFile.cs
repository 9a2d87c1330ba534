using System.Diagnostics;
using Dinh.Registry.Import;

namespace Dinh.Bench;

/// <summary>How fast the import reads and validates rows, without a database: the import's CPU floor.</summary>
internal static class ParseFile
{
    public static async Task<int> RunAsync(string path)
    {
        await using var file = File.OpenRead(path);
        var (encoding, name) = await TextEncodingDetector.DetectAsync(file, CancellationToken.None);
        var started = Stopwatch.GetTimestamp();
        var reader = new CsvRecordReader(file, encoding);
        var fields = new List<string>();
        await reader.ReadAsync(fields, CancellationToken.None);
        var (positions, _) = CitizenCsv.ReadHeader(fields);
        var columns = fields.Count;
        var errors = new List<RowError>();
        var units = new HashSet<string>();
        var today = new DateOnly(2026, 11, 23);
        long rows = 0, valid = 0;
        var readOnly = TimeSpan.Zero;
        while (await reader.ReadAsync(fields, CancellationToken.None))
        {
            rows++;
            if (CitizenCsv.Parse(rows, fields, positions!, columns, units, today, errors) is not null)
            {
                valid++;
            }
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"parse+validate: {rows:N0} rows ({valid:N0} valid, {name}) in {elapsed.TotalSeconds:N2} s = {rows / elapsed.TotalSeconds:N0} rows/s");
        return 0;
    }
}
