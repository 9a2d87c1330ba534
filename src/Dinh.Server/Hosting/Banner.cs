namespace Dinh.Server.Hosting;

/// <summary>What a newcomer sees after <c>dotnet run</c>: where to go and how to sign in.</summary>
internal static class Banner
{
    public static void Print(WebApplication app, string database)
    {
        var url = (app.Urls.FirstOrDefault() ?? "http://localhost:5080").TrimEnd('/');
        var demo = app.Services.GetServices<Dinh.Platform.DemoAccount>().ToList();
        var lines = new List<string>
        {
            "",
            "Dinh is running.",
            $"  Home page       {url}/",
            $"  API reference   {url}/api-docs   (OpenAPI: {url}/openapi/v1.json)",
            $"  Health          {url}/health/ready   Metrics: {url}/metrics",
            $"  Database        {database}",
        };
        if (app.Environment.IsDevelopment())
        {
            lines.Add($"  Mailbox         {url}{Dinh.Platform.Messaging.DevelopmentMailbox.Path}   (Development: SMS and e-mail stay here)");
        }
        if (demo.Count == 0)
        {
            lines.Add("  Demo accounts   none yet: sign-in arrives with the Identity module.");
        }
        else
        {
            lines.Add("  Demo accounts");
            lines.AddRange(demo.Select(a => $"    {a.Role,-28} {a.Login,-18} {a.Password}"));
        }
        lines.Add("Press Ctrl+C to stop.");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
