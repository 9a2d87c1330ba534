using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Dinh.Tests.ScaleOut;

/// <summary>
/// The SMS gateway the instances send to (the platform's real <c>Http</c> sender, pointed at this loopback
/// endpoint): it counts every delivery by the message's <c>reference</c> (its outbox id), so a test can prove each
/// message arrived, and how many times.
/// </summary>
public sealed class SmsGateway : IAsyncDisposable
{
    public const string Token = "scale-out-test-token";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<Guid, int> _deliveries = new();

    private SmsGateway(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Deliveries per outbox message id.</summary>
    public IReadOnlyDictionary<Guid, int> Deliveries => _deliveries;

    public static async Task<SmsGateway> StartAsync()
    {
        var address = new Uri($"http://127.0.0.1:{DinhProcess.FreePort()}/sms");
        var builder = LoopbackApps.CreateBuilder(address.Port);
        var app = builder.Build();
        var gateway = new SmsGateway(app, address);
        app.MapPost("/sms", async (HttpContext http) =>
        {
            if (http.Request.Headers.Authorization != $"Bearer {Token}")
            {
                return Results.Unauthorized();
            }
            using var body = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
            if (!Guid.TryParse(body.RootElement.GetProperty("reference").GetString(), out var id))
            {
                return Results.BadRequest();
            }
            gateway._deliveries.AddOrUpdate(id, 1, (_, n) => n + 1);
            return Results.Ok();
        });
        await app.StartAsync();
        return gateway;
    }

    public ValueTask DisposeAsync() => LoopbackApps.StopAsync(_app);
}
