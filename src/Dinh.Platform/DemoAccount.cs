namespace Dinh.Platform;

/// <summary>A demo sign-in that a module creates with the demo data; the server lists them at start-up.</summary>
public sealed record DemoAccount(string Role, string Login, string Password);
