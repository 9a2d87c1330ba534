using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Dinh.Registry.Citizens;
using Dinh.Registry.Contracts;
using Npgsql;

namespace Dinh.Bench;

/// <summary>
/// A peer for bench/run-lookup.sh: the least an HTTP lookup by personal ID number can cost on this stack. Kestrel,
/// one prepared Npgsql SELECT of the summary's columns through the same indexes as Dinh's lookup, System.Text.Json;
/// no authentication, no EF Core, no jurisdiction, no audit record, no middleware. Dinh's lookup cannot be faster than
/// this on the same machine; the ratio between the two is what the full stack costs.
/// </summary>
internal static class MinimalLookup
{
    private const string Sql = """
        SELECT c.id, c.personal_id_number, c.full_name, c.birth_year, c.birth_month, c.birth_day, c.sex, c.status
        FROM citizens AS c
        WHERE EXISTS (SELECT 1 FROM citizen_id_numbers AS n WHERE n.citizen_id = c.id AND n.number = $1)
        """;

    private sealed record Row(Guid Id, string PersonalIdNumber, string FullName, int BirthYear, int? BirthMonth, int? BirthDay, string Sex, string Status);

    public static async Task<int> RunAsync(string connectionString, string url)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        await using var data = new NpgsqlDataSourceBuilder(connectionString) { ConnectionStringBuilder = { MaxAutoPrepare = 16 } }.Build();
        var app = builder.Build();
        app.MapGet("/health/live", () => "ok");
        app.MapGet("/lookup", async (string number, CancellationToken cancellationToken) =>
        {
            await using var command = data.CreateCommand(Sql);
            command.Parameters.Add(new NpgsqlParameter { Value = number });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var items = new List<Row>(1);
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(new Row(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
                    reader.IsDBNull(4) ? null : reader.GetInt32(4), reader.IsDBNull(5) ? null : reader.GetInt32(5),
                    ((Sex)reader.GetInt32(6)).ToString(), ((CitizenStatus)reader.GetInt32(7)).ToString()));
            }
            return Results.Json(new { items, page = 1, pageSize = 20, total = items.Count });
        });
        Console.Error.WriteLine($"minimal lookup on {url}");
        await app.RunAsync();
        return 0;
    }
}
