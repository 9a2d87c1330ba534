namespace Dinh.Platform.Persistence;

/// <summary>The database could not be reached or opened; the message names the setting to check and holds no secret.</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
