using Dinh.Platform.Auditing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dinh.Platform.Persistence;

/// <summary>
/// Carries the <see cref="Auditing.AuditTrail"/> in a context's options, so that a <see cref="DinhDbContext"/> needs no
/// other constructor argument and can be pooled. It adds no EF Core services: every context shares one internal
/// service provider whatever trail it carries.
/// </summary>
public sealed class AuditTrailOptions(AuditTrail trail) : IDbContextOptionsExtension
{
    public AuditTrail Trail { get; } = trail;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    /// <summary>Puts <paramref name="trail"/> in the options being built.</summary>
    public static DbContextOptionsBuilder UseAuditTrail(DbContextOptionsBuilder options, AuditTrail trail)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(trail);
        ((IDbContextOptionsBuilderInfrastructure)options).AddOrUpdateExtension(new AuditTrailOptions(trail));
        return options;
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "AuditTrail ";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo) => debugInfo["Dinh:AuditTrail"] = "1";
    }
}

public static class AuditTrailOptionsExtensions
{
    /// <inheritdoc cref="AuditTrailOptions.UseAuditTrail"/>
    public static DbContextOptionsBuilder<TContext> UseAuditTrail<TContext>(this DbContextOptionsBuilder<TContext> options, AuditTrail trail)
        where TContext : DbContext =>
        (DbContextOptionsBuilder<TContext>)AuditTrailOptions.UseAuditTrail(options, trail);

    /// <inheritdoc cref="AuditTrailOptions.UseAuditTrail"/>
    public static DbContextOptionsBuilder UseAuditTrail(this DbContextOptionsBuilder options, AuditTrail trail) =>
        AuditTrailOptions.UseAuditTrail(options, trail);
}
