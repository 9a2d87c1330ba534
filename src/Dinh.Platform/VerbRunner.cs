namespace Dinh.Platform;

/// <summary>
/// How a module's command-line verb runs: the host builds the application (same composition as `serve`, never
/// started), hands the verb its services, and turns configuration and database failures into one clear line.
/// </summary>
public delegate Task<int> VerbRunner(Func<IServiceProvider, CancellationToken, Task<int>> verb, CancellationToken cancellationToken);
