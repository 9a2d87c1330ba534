namespace Dinh.Server.Hosting;

internal static class DinhHostDefaults
{
    /// <summary>
    /// The folder holding appsettings.json: the working directory when it has one (dotnet run, tests), else the
    /// folder of the executable. Started from elsewhere without it, Dinh would lose its log settings, and the
    /// framework's request logs would print full URLs, personal ID numbers included.
    /// </summary>
    public static string? ContentRoot() =>
        File.Exists(Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json")) ? null : AppContext.BaseDirectory;
}
