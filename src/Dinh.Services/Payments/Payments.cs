using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dinh.Identity.Contracts;
using Dinh.Platform.Auditing;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Dinh.Services.Payments;

public enum PaymentStatus
{
    Pending = 1,
    Paid = 2,
}

/// <summary>One attempt to pay a dossier's fee through a gateway.</summary>
internal sealed class Payment
{
    public Guid Id { get; init; }
    public Guid DossierId { get; init; }
    public long AmountVnd { get; init; }
    public PaymentStatus Status { get; set; }
    public string? Reference { get; set; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? PaidAt { get; set; }
}

/// <summary>What a gateway tells Dinh when a payment settles: signed, so that nobody else can say "paid".</summary>
public sealed record PaymentCallback(Guid PaymentId, long AmountVnd, string? Status, string? Reference, string? Signature);

public sealed record PaymentStart(Guid PaymentId, long AmountVnd, string RedirectUrl);

/// <summary>
/// The seam real gateways (VNPay, the national payment platform …) fit: where to send the citizen, and whether a
/// callback is genuinely the gateway's.
/// </summary>
public interface IPaymentGateway
{
    string RedirectUrl(Guid paymentId, long amountVnd);

    bool IsGenuine(PaymentCallback callback);
}

/// <summary>
/// Development adapter, named as such: its "gateway" is a page of Dinh itself (/dev/payment-gateway, Development only)
/// that signs the callback with HMAC-SHA256 over "paymentId|amount|status|reference". The key is
/// Dinh:Services:Payments:DevelopmentKey; in Development a published default, elsewhere a random per-process key, so
/// that nobody can forge a callback against a production instance that was left on this adapter.
/// </summary>
internal sealed class DevelopmentPaymentGateway(IConfiguration configuration, IHostEnvironment environment) : IPaymentGateway
{
    public const string DefaultDevelopmentKey = "dinh-development-payment-gateway-key";

    private readonly byte[] _key = Encoding.UTF8.GetBytes(configuration["Dinh:Services:Payments:DevelopmentKey"]
        ?? (environment.IsDevelopment() ? DefaultDevelopmentKey : Convert.ToHexString(RandomNumberGenerator.GetBytes(32))));

    public string RedirectUrl(Guid paymentId, long amountVnd) => $"/dev/payment-gateway/{paymentId}";

    public string Sign(Guid paymentId, long amountVnd, string status, string reference) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(
            string.Create(CultureInfo.InvariantCulture, $"{paymentId}|{amountVnd}|{status}|{reference}"))));

    public bool IsGenuine(PaymentCallback callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (callback.Signature is null || callback.Status is null || callback.Reference is null)
        {
            return false;
        }
        var expected = Encoding.ASCII.GetBytes(Sign(callback.PaymentId, callback.AmountVnd, callback.Status, callback.Reference));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(callback.Signature));
    }
}

/// <summary>Starting a payment (the citizen) and the gateway's callback (anyone; trusted only when genuine and for the right amount).</summary>
internal static class PayFee
{
    public static void Map(IEndpointRouteBuilder api)
    {
        api.MapPost("/dossiers/{id:guid}/payments", StartAsync).WithName("StartPayment").WithSummary("Start paying one of my dossiers' fee; returns where to pay.");
        api.MapPost("/payments/callback", CallbackAsync).WithName("PaymentCallback").AllowAnonymous()
            .WithSummary("The payment gateway's signed notification. Forged or wrong-amount callbacks are refused (DINH-SVC-0017) and audited.");
    }

    public static async Task<Results<Created<PaymentStart>, ProblemHttpResult>> StartAsync(Guid id, HttpContext http, ServicesDbContext db,
        SignedInCitizens citizens, IPaymentGateway gateway, TimeProvider clock, CancellationToken cancellationToken)
    {
        var (dossier, _, problem) = await MyDossiers.LoadAsync(id, http, db, citizens, tracked: false, cancellationToken);
        if (problem is not null)
        {
            return problem;
        }
        if (!dossier!.FeeOutstanding || !dossier.IsOpen)
        {
            return ServicesErrors.Problem(ServicesErrors.WrongState);
        }
        var now = clock.GetUtcNow();
        var payment = new Payment { Id = Guid.CreateVersion7(now), DossierId = id, AmountVnd = dossier.FeeVnd, Status = PaymentStatus.Pending, CreatedAt = now };
        db.Payments.Add(payment);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Created($"/api/services/payments/{payment.Id}", new PaymentStart(payment.Id, payment.AmountVnd, gateway.RedirectUrl(payment.Id, payment.AmountVnd)));
    }

    public static async Task<Results<Ok, ProblemHttpResult>> CallbackAsync(PaymentCallback callback, HttpContext http, ServicesDbContext db,
        IPaymentGateway gateway, DossierNotices notices, TimeProvider clock, CancellationToken cancellationToken)
    {
        var payment = await db.Payments.FirstOrDefaultAsync(p => p.Id == callback.PaymentId, cancellationToken);
        if (payment is null || !gateway.IsGenuine(callback) || callback.AmountVnd != payment.AmountVnd || callback.Status != "paid")
        {
            db.ChangeTracker.Clear();
            db.Audit(new AuditEvent("system:payment-gateway", "services.payment.refused", "Thanh toán lệ phí")
            {
                Subject = $"payment:{callback.PaymentId}", RequestId = http.TraceIdentifier,
            });
            await db.SaveChangesAsync(cancellationToken);
            return ServicesErrors.Problem(ServicesErrors.PaymentForged);
        }
        if (payment.Status == PaymentStatus.Paid)
        {
            return TypedResults.Ok();
        }
        var now = clock.GetUtcNow();
        payment.Status = PaymentStatus.Paid;
        payment.Reference = callback.Reference;
        payment.PaidAt = now;
        var dossier = await db.Dossiers.FirstAsync(d => d.Id == payment.DossierId, cancellationToken);
        dossier.RecordPayment(now, callback.Reference!);
        db.Audit(new AuditEvent("system:payment-gateway", "services.payment.settled", "Thanh toán lệ phí")
        {
            Subject = $"citizen:{dossier.ApplicantCitizenId}", RequestId = http.TraceIdentifier,
            Details = string.Create(CultureInfo.InvariantCulture, $"{{\"dossier\":\"{dossier.Id}\",\"amount\":{payment.AmountVnd}}}"),
        });
        await notices.QueueAsync(db, dossier.ApplicantAccountId, dossier.ReceiptCode, "da nop le phi", cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return TypedResults.Ok();
    }
}
