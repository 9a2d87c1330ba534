using System.Text.Encodings.Web;
using System.Text.Unicode;
using Dinh.Samples.LoginWithDinh;
using Microsoft.Extensions.WebEncoders;

// "Log in with Dinh": a third-party web application whose users sign in with Dinh (OpenID Connect).
var builder = WebApplication.CreateBuilder(args);
builder.AddDinhLogin();   // cookie session + OpenID Connect client of Dinh: DinhLogin.cs
builder.Services.AddRazorPages();
// Vietnamese names go out as UTF-8, not as numeric character references.
builder.Services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));

var app = builder.Build();
app.Use((context, next) =>
{
    // No script, no inline style, no framing: the pages need nothing but their own stylesheet.
    context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; base-uri 'none'; frame-ancestors 'none'";
    context.Response.Headers.XContentTypeOptions = "nosniff";
    context.Response.Headers["Referrer-Policy"] = "no-referrer";
    return next(context);
});
app.UseStaticFiles();
app.UseAuthentication();
app.UseAuthorization();
app.MapRazorPages();
await app.RunAsync();
