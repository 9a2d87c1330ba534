using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Dinh.Platform.Messaging;

/// <summary>
/// An SMS gateway behind a small HTTP API: <c>POST {"to", "text", "reference"}</c> with a bearer token. Any answer
/// other than 2xx is a failure, retried later; <c>reference</c> (the message id) lets the gateway drop a repeat.
/// </summary>
internal sealed class HttpSmsSender(IHttpClientFactory clients, IOptionsMonitor<MessagingOptions> options) : IMessageSender
{
    public const string SenderName = "Http";
    public const string ClientName = "Dinh.Messaging.Sms";

    public MessageChannel Channel => MessageChannel.Sms;

    public string Name => SenderName;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var http = options.CurrentValue.Sms.Http;
        var client = clients.CreateClient(ClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, http.Url)
        {
            Content = JsonContent.Create(new SmsRequest(message.Recipient, message.Body, message.Id.ToString())),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", http.BearerToken);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
        if (!response.IsSuccessStatusCode)
        {
            // The status only: gateways' error bodies tend to repeat the number.
            throw new MessageDeliveryException($"HTTP {(int)response.StatusCode}");
        }
    }

    private sealed record SmsRequest(
        [property: JsonPropertyName("to")] string To,
        [property: JsonPropertyName("text")] string Text,
        [property: JsonPropertyName("reference")] string Reference);
}
