using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Dinh.Tests.ScaleOut;

/// <summary>One request of a load run: when it started (since the run began), how long it took, what came back.</summary>
public sealed record LoadSample(string Worker, TimeSpan Started, TimeSpan Took, int Status, string? MediaType, string? RetryAfter, string Body);

/// <summary>
/// Runs request loops (workers) until stopped and keeps every answer, for fault tests that then judge the answers by
/// when they started relative to the fault. A request that throws (connection refused, timeout) is status 0.
/// </summary>
public sealed class LoadRecorder : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _workers = [];
    private readonly ConcurrentQueue<LoadSample> _samples = new();

    public TimeSpan Now => _clock.Elapsed;

    public IReadOnlyCollection<LoadSample> Samples => _samples;

    /// <summary>Runs <paramref name="request"/> again and again; <c>null</c> from it ends this worker.</summary>
    public void Run(string worker, Func<CancellationToken, Task<HttpResponseMessage?>> request)
    {
        _workers.Add(Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                var started = _clock.Elapsed;
                HttpResponseMessage? response;
                try
                {
                    response = await request(_stop.Token);
                }
                catch (OperationCanceledException) when (_stop.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    _samples.Enqueue(new LoadSample(worker, started, _clock.Elapsed - started, 0, null, null, ex.GetType().Name));
                    continue;
                }
                if (response is null)
                {
                    return;
                }
                using (response)
                {
                    var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                    _samples.Enqueue(new LoadSample(worker, started, _clock.Elapsed - started, (int)response.StatusCode,
                        response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.ToString(),
                        body.Length > 20_000 ? body[..20_000] : body));
                }
            }
        }));
    }

    /// <summary>Stops every worker (in-flight requests are cancelled) and waits for them, bounded.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        await Task.WhenAll(_workers).WaitAsync(timeout.Token);
    }

    public static string Describe(IEnumerable<LoadSample> samples) =>
        string.Join("; ", samples.GroupBy(s => (s.Worker, s.Status)).OrderBy(g => g.Key)
            .Select(g => $"{g.Key.Worker} {g.Key.Status}×{g.Count()} (first at {g.Min(s => s.Started).TotalSeconds:F1}s: {g.First().Body[..Math.Min(120, g.First().Body.Length)]})"));

    public static bool IsSuccess(LoadSample sample) => sample.Status is (int)HttpStatusCode.OK or (int)HttpStatusCode.Redirect;

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await _stop.CancelAsync();
        }
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
            await Task.WhenAll(_workers).WaitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // Already reported by StopAsync, or the test failed before it: never hide the test's own failure.
        }
        _stop.Dispose();
    }
}
