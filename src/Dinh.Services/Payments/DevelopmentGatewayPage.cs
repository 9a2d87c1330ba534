using System.Text.Encodings.Web;
using Dinh.Services.Dossiers;
using Dinh.Services.Persistence;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Dinh.Services.Payments;

/// <summary>
/// The development gateway's page (Development only): shows the amount and, on "Pay", signs a callback exactly as a
/// gateway would and delivers it to the callback handler, then sends the citizen back to "my dossiers".
/// </summary>
internal static class DevelopmentGatewayPage
{
    public static void Map(IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IHostEnvironment>().IsDevelopment())
        {
            return;
        }
        endpoints.MapGet("/dev/payment-gateway/{id:guid}", async (Guid id, HttpContext http, ServicesDbContext db, IAntiforgery antiforgery) =>
        {
            var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, http.RequestAborted);
            if (payment is null)
            {
                return Results.NotFound();
            }
            var token = antiforgery.GetAndStoreTokens(http);
            var e = HtmlEncoder.Default;
            return Results.Content($"""
                <!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
                <title>Cổng thanh toán (phát triển)</title><link rel="stylesheet" href="/css/site.css"></head>
                <body><main class="container"><h1>Cổng thanh toán thử nghiệm / Development payment gateway</h1>
                <p>Số tiền / Amount: <strong>{payment.AmountVnd:N0} VND</strong></p>
                <form method="post"><input name="{e.Encode(token.FormFieldName)}" type="hidden" value="{e.Encode(token.RequestToken ?? "")}">
                <button type="submit" class="button">Thanh toán / Pay</button></form></main></body></html>
                """, "text/html; charset=utf-8");
        }).ExcludeFromDescription();
        endpoints.MapPost("/dev/payment-gateway/{id:guid}", async (Guid id, HttpContext http, ServicesDbContext db, DevelopmentPaymentGateway gateway,
            DossierNotices notices, TimeProvider clock, IAntiforgery antiforgery) =>
        {
            await antiforgery.ValidateRequestAsync(http);
            var payment = await db.Payments.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, http.RequestAborted);
            if (payment is null)
            {
                return Results.NotFound();
            }
            var reference = "DEV-" + Guid.CreateVersion7(clock.GetUtcNow()).ToString("N")[..12];
            var callback = new PaymentCallback(id, payment.AmountVnd, "paid", reference, gateway.Sign(id, payment.AmountVnd, "paid", reference));
            await PayFee.CallbackAsync(callback, http, db, gateway, notices, clock, http.RequestAborted);
            return Results.Redirect("/citizen/dossiers");
        }).ExcludeFromDescription();
    }
}
