using Dinh.Platform;
using Dinh.Server.Hosting;
using Dinh.Server.Web;

// `dinh`: one executable. `serve` (the default) runs the server; the other verbs work on its database.
return await DinhCommandLine.RunAsync(args, BuildApp);

static WebApplication BuildApp(string[] args)
{
    var builder = WebApplication.CreateBuilder(args);
    builder.AddDinhPlatform();   // persistence, audit trail, problem details, security headers, health, metrics
    builder.AddDinhWeb();        // pages, layout, language switch, OpenAPI
    // Modules plug in here, in dependency order: builder.Services.AddRegistry(); …

    var app = builder.Build();
    app.UseDinhPlatform();
    app.UseDinhWeb();
    app.MapDinhPlatform();
    app.MapDinhWeb();
    return app;
}

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
