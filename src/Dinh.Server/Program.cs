using Dinh.Exchange;
using Dinh.Identity;
using Dinh.Platform;
using Dinh.Registry;
using Dinh.Services;
using Dinh.Server.Hosting;
using Dinh.Server.Web;

// `dinh`: one executable. `serve` (the default) runs the server; the other verbs work on its database.
return await DinhCommandLine.RunAsync(args, Program.BuildApp);

public partial class Program
{
    /// <summary>The composition root, shared by every verb and by the tests' WebApplicationFactory.</summary>
    public static WebApplication BuildApp(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = DinhHostDefaults.ContentRoot() });
        builder.AddDinhPlatform();   // persistence, audit trail, problem details, security headers, health, metrics
        builder.AddDinhWeb();        // pages, layout, language switch, OpenAPI
        builder.Services.AddRegistry(builder.Environment); // population registry, households, residence, civil status, units
        builder.Services.AddIdentityModule(builder.Configuration, builder.Environment); // e-ID accounts, officers, OpenID Connect provider
        builder.Services.AddServicesModule(); // public-service portal: catalogue, dossiers, processing, interconnected bundles
        builder.Services.AddExchange(builder.Configuration); // members, grants, lookup, verification, events, access log

        var app = builder.Build();
        app.UseDinhPlatform();
        app.UseDinhWeb();
        app.MapDinhPlatform();
        app.MapDinhWeb();
        app.MapRegistry();
        app.MapIdentity();
        app.MapServicesModule();
        app.MapExchange();
        return app;
    }
}
